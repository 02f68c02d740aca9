package dev.cloudrunauth.test.emulator;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/**
 * The IAM Credentials API's {@code generateIdToken} and {@code generateAccessToken}: a caller holding an access token
 * from this emulator gets tokens for another service account (impersonation).
 */
final class IamCredentialsHandler implements HttpHandler {

	private static final Pattern PATH = Pattern
		.compile("^/v1/projects/([^/]+)/serviceAccounts/([^/:]+):(generateIdToken|generateAccessToken)$");

	private final GoogleIdentityEmulator emulator;

	IamCredentialsHandler(GoogleIdentityEmulator emulator) {
		this.emulator = emulator;
	}

	@Override
	public void handle(HttpExchange exchange) throws IOException {
		Matcher matcher = PATH.matcher(exchange.getRequestURI().getRawPath());
		if (!matcher.matches()) {
			Exchanges.apiError(exchange, 404, "NOT_FOUND", "No such method: " + exchange.getRequestURI().getPath());
			return;
		}
		if (!"POST".equals(exchange.getRequestMethod())) {
			Exchanges.apiError(exchange, 405, "METHOD_NOT_ALLOWED", "POST required");
			return;
		}
		ServiceAccount caller = Exchanges.apiCaller(exchange, this.emulator);
		if (caller == null) {
			return;
		}
		String email = URLDecoder.decode(matcher.group(2), StandardCharsets.UTF_8);
		ServiceAccount target = this.emulator.knownServiceAccount(email);
		if (target == null) {
			Exchanges.apiError(exchange, 404, "NOT_FOUND", "Not found; Gaia id not found for email " + email);
			return;
		}
		boolean idToken = matcher.group(3).equals("generateIdToken");
		if (!this.emulator.mayImpersonate(caller, target)) {
			String permission = idToken ? "iam.serviceAccounts.getOpenIdToken" : "iam.serviceAccounts.getAccessToken";
			Exchanges.apiError(exchange, 403, "PERMISSION_DENIED",
					"Permission '" + permission + "' denied on resource (or it may not exist).");
			return;
		}
		Map<String, Object> request;
		try {
			request = JSONObjectUtils.parse(Exchanges.body(exchange));
		}
		catch (ParseException ex) {
			Exchanges.apiError(exchange, 400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
			return;
		}
		if (idToken) {
			generateIdToken(exchange, target, request);
		}
		else {
			generateAccessToken(exchange, target, request);
		}
	}

	private void generateIdToken(HttpExchange exchange, ServiceAccount target, Map<String, Object> request)
			throws IOException {
		if (!(request.get("audience") instanceof String audience) || audience.isEmpty()) {
			Exchanges.apiError(exchange, 400, "INVALID_ARGUMENT",
					"Invalid value for audience: must be a non-empty string.");
			return;
		}
		boolean includeEmail = Boolean.TRUE.equals(request.get("includeEmail"));
		Exchanges.json(exchange, 200, Map.of("token", this.emulator.mintIdToken(target, audience, includeEmail, false)));
	}

	private void generateAccessToken(HttpExchange exchange, ServiceAccount target, Map<String, Object> request)
			throws IOException {
		if (!(request.get("scope") instanceof java.util.List<?> scope) || scope.isEmpty()) {
			Exchanges.apiError(exchange, 400, "INVALID_ARGUMENT", "Scope required.");
			return;
		}
		GoogleIdentityEmulator.AccessToken token = this.emulator.issueAccessToken(target);
		Instant expireTime = Instant.now(this.emulator.clock())
			.plus(Duration.ofSeconds(this.emulator.tokenLifetime().toSeconds()));
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("accessToken", token.value());
		body.put("expireTime", expireTime.toString());
		Exchanges.json(exchange, 200, body);
	}

}
