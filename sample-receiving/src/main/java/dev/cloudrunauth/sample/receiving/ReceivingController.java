package dev.cloudrunauth.sample.receiving;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Endpoints that answer with, or decide on, the verified caller.
 */
@RestController
class ReceivingController {

	@GetMapping("/hello")
	String hello(Authentication caller) {
		return "Hello, " + caller.getName() + "!";
	}

	@GetMapping("/whoami")
	Map<String, Object> whoami(@AuthenticationPrincipal Jwt jwt) {
		Map<String, Object> caller = new LinkedHashMap<>();
		caller.put("email", jwt.getClaimAsString("email"));
		caller.put("subject", jwt.getSubject());
		caller.put("audience", jwt.getAudience());
		caller.put("issuer", jwt.getClaimAsString("iss"));
		caller.put("expiresAt", jwt.getExpiresAt());
		return caller;
	}

	@GetMapping("/reports")
	@PreAuthorize("@caller.in(@sample.reportReaders)")
	String reports(Authentication caller) {
		return "Reports for " + caller.getName();
	}

}
