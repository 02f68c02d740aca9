package dev.cloudrunauth.test.emulator;

import java.io.IOException;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/**
 * The OAuth 2.0 token endpoint for service account keys: a JWT-bearer assertion signed with a key file's private key
 * is exchanged for an ID token (assertion with {@code target_audience}) or an access token (assertion with
 * {@code scope}).
 */
final class OAuthTokenHandler implements HttpHandler {

	private static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

	private static final Set<String> PATHS = Set.of("/token", "/oauth2/v4/token", "/o/oauth2/token");

	private static final Set<String> GOOGLE_TOKEN_URIS = Set.of("https://oauth2.googleapis.com/token",
			"https://www.googleapis.com/oauth2/v4/token", "https://accounts.google.com/o/oauth2/token");

	private static final long MAX_ASSERTION_LIFETIME = 3600;

	private static final long CLOCK_SKEW = 60;

	private final GoogleIdentityEmulator emulator;

	OAuthTokenHandler(GoogleIdentityEmulator emulator) {
		this.emulator = emulator;
	}

	@Override
	public void handle(HttpExchange exchange) throws IOException {
		if (!PATHS.contains(exchange.getRequestURI().getPath())) {
			Exchanges.json(exchange, 404, Exchanges.oauthError("not_found", "No such endpoint"));
			return;
		}
		if (!"POST".equals(exchange.getRequestMethod())) {
			Exchanges.json(exchange, 405, Exchanges.oauthError("invalid_request", "POST required"));
			return;
		}
		Map<String, String> form = Exchanges.decodeForm(Exchanges.body(exchange));
		if (!JWT_BEARER.equals(form.get("grant_type"))) {
			Exchanges.json(exchange, 400,
					Exchanges.oauthError("unsupported_grant_type", "Invalid grant_type: " + form.get("grant_type")));
			return;
		}
		String assertion = form.get("assertion");
		if (assertion == null || assertion.isEmpty()) {
			Exchanges.json(exchange, 400, Exchanges.oauthError("invalid_request", "Missing required parameter: assertion"));
			return;
		}
		try {
			SignedJWT jwt = SignedJWT.parse(assertion);
			GoogleIdentityEmulator.KeyFileKey key = verifiedKey(jwt);
			JWTClaimsSet claims = jwt.getJWTClaimsSet();
			checkClaims(claims, key.account());
			String targetAudience = claims.getStringClaim("target_audience");
			if (targetAudience != null && !targetAudience.isEmpty()) {
				String idToken = this.emulator.mintIdToken(key.account(), targetAudience, true, true);
				Exchanges.json(exchange, 200, Map.of("id_token", idToken));
				return;
			}
			String scope = claims.getStringClaim("scope");
			if (scope == null || scope.isBlank()) {
				Exchanges.json(exchange, 400, Exchanges.oauthError("invalid_scope", "Empty or missing scope not allowed."));
				return;
			}
			GoogleIdentityEmulator.AccessToken token = this.emulator.issueAccessToken(key.account());
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("access_token", token.value());
			body.put("expires_in", this.emulator.tokenLifetime().toSeconds());
			body.put("token_type", "Bearer");
			Exchanges.json(exchange, 200, body);
		}
		catch (ParseException | InvalidGrant ex) {
			Exchanges.json(exchange, 400, Exchanges.oauthError("invalid_grant", ex.getMessage()));
		}
	}

	private GoogleIdentityEmulator.KeyFileKey verifiedKey(SignedJWT jwt) throws InvalidGrant {
		if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
			throw new InvalidGrant("Invalid JWT: only RS256 assertions are accepted");
		}
		String keyId = jwt.getHeader().getKeyID();
		GoogleIdentityEmulator.KeyFileKey key = (keyId != null) ? this.emulator.keyFileKey(keyId) : null;
		if (key == null) {
			throw new InvalidGrant("Invalid JWT Signature.");
		}
		try {
			if (!jwt.verify(new RSASSAVerifier(key.key().toRSAPublicKey()))) {
				throw new InvalidGrant("Invalid JWT Signature.");
			}
		}
		catch (JOSEException ex) {
			throw new InvalidGrant("Invalid JWT Signature.");
		}
		return key;
	}

	private void checkClaims(JWTClaimsSet claims, ServiceAccount account) throws InvalidGrant {
		if (!account.email().equals(claims.getIssuer())) {
			throw new InvalidGrant("Invalid JWT: iss must be the key's client_email");
		}
		List<String> audience = claims.getAudience();
		if (audience.size() != 1 || !(audience.get(0).equals(this.emulator.tokenUri())
				|| GOOGLE_TOKEN_URIS.contains(audience.get(0)))) {
			throw new InvalidGrant("Invalid JWT: Failed audience check. The right audience is " + this.emulator.tokenUri());
		}
		Date issuedAt = claims.getIssueTime();
		Date expiresAt = claims.getExpirationTime();
		long now = Instant.now(this.emulator.clock()).getEpochSecond();
		if (issuedAt == null || expiresAt == null || issuedAt.toInstant().getEpochSecond() > now + CLOCK_SKEW
				|| expiresAt.toInstant().getEpochSecond() <= now
				|| expiresAt.toInstant().getEpochSecond() - issuedAt.toInstant().getEpochSecond() > MAX_ASSERTION_LIFETIME) {
			throw new InvalidGrant("Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable "
					+ "timeframe. Check your iat and exp values in the JWT claim.");
		}
	}

	private static final class InvalidGrant extends Exception {

		InvalidGrant(String message) {
			super(message);
		}

	}

}
