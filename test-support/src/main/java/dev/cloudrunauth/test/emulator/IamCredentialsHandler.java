package dev.cloudrunauth.test.emulator;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.cloudrunauth.test.LoopbackResponse;
import dev.cloudrunauth.test.LoopbackServer;
import dev.cloudrunauth.test.RecordedRequest;

/**
 * The IAM Credentials API's {@code generateIdToken} and {@code generateAccessToken}: a
 * caller holding an access token from this emulator gets tokens for another service
 * account (impersonation).
 */
final class IamCredentialsHandler implements LoopbackServer.Handler {

	private static final Pattern PATH = Pattern
		.compile("^/v1/projects/([^/]+)/serviceAccounts/([^/:]+):(generateIdToken|generateAccessToken)$");

	private final EmulatorSettings settings;

	private final ServiceAccounts accounts;

	private final TokenMint tokens;

	IamCredentialsHandler(EmulatorSettings settings, ServiceAccounts accounts, TokenMint tokens) {
		this.settings = settings;
		this.accounts = accounts;
		this.tokens = tokens;
	}

	@Override
	public LoopbackResponse handle(RecordedRequest request) {
		Matcher matcher = PATH.matcher(request.uri().getRawPath());
		if (!matcher.matches()) {
			return Exchanges.apiError(404, "NOT_FOUND", "No such method: " + request.path());
		}
		if (!"POST".equals(request.method())) {
			return Exchanges.apiError(405, "METHOD_NOT_ALLOWED", "POST required");
		}
		ServiceAccount caller = Exchanges.apiCaller(request, this.tokens);
		if (caller == null) {
			return Exchanges.unauthenticated();
		}
		String email = URLDecoder.decode(matcher.group(2), StandardCharsets.UTF_8);
		ServiceAccount target = this.accounts.known(email);
		if (target == null) {
			return Exchanges.apiError(404, "NOT_FOUND", "Not found; Gaia id not found for email " + email);
		}
		boolean idToken = matcher.group(3).equals("generateIdToken");
		if (!this.accounts.mayImpersonate(caller, target)) {
			String permission = idToken ? "iam.serviceAccounts.getOpenIdToken" : "iam.serviceAccounts.getAccessToken";
			return Exchanges.apiError(403, "PERMISSION_DENIED",
					"Permission '" + permission + "' denied on resource (or it may not exist).");
		}
		Map<String, Object> body;
		try {
			body = JSONObjectUtils.parse(request.body());
		}
		catch (ParseException ex) {
			return Exchanges.apiError(400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
		}
		return idToken ? generateIdToken(target, body) : generateAccessToken(target, body);
	}

	private LoopbackResponse generateIdToken(ServiceAccount target, Map<String, Object> request) {
		if (!(request.get("audience") instanceof String audience) || audience.isEmpty()) {
			return Exchanges.apiError(400, "INVALID_ARGUMENT",
					"Invalid value for audience: must be a non-empty string.");
		}
		boolean includeEmail = Boolean.TRUE.equals(request.get("includeEmail"));
		return Exchanges.json(200, Map.of("token", this.tokens.mintIdToken(target, audience, includeEmail, false)));
	}

	private LoopbackResponse generateAccessToken(ServiceAccount target, Map<String, Object> request) {
		if (!(request.get("scope") instanceof List<?> scope) || scope.isEmpty()) {
			return Exchanges.apiError(400, "INVALID_ARGUMENT", "Scope required.");
		}
		TokenMint.AccessToken token = this.tokens.issueAccessToken(target);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("accessToken", token.value());
		body.put("expireTime", this.settings.now().plusSeconds(this.settings.tokenLifetime().toSeconds()).toString());
		return Exchanges.json(200, body);
	}

}
