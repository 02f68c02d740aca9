package dev.cloudrunauth.benchmarks.startup.secured;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The app's one endpoint, for one caller: what an application that authorizes per
 * endpoint writes by hand (the principal is the verified {@code Jwt} with both
 * configurations).
 */
@RestController
class SecuredController {

	@GetMapping("/hello")
	@PreAuthorize("principal.claims['email'] == 'caller@startup-project.iam.gserviceaccount.com'")
	String hello() {
		return "hello";
	}

}
