package dev.cloudrunauth.test.emulator;

import java.text.ParseException;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.cloudrunauth.test.LoopbackResponse;
import dev.cloudrunauth.test.LoopbackServer;
import dev.cloudrunauth.test.RecordedRequest;

/**
 * The OAuth 2.0 token endpoint for service account keys: a JWT-bearer assertion signed
 * with a key file's private key is exchanged for an ID token (assertion with
 * {@code target_audience}) or an access token (assertion with {@code scope}); and for
 * users' refresh tokens ({@link RefreshTokenGrant}).
 */
final class OAuthTokenHandler implements LoopbackServer.Handler {

	private static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

	private static final Set<String> PATHS = Set.of("/token", "/oauth2/v4/token", "/o/oauth2/token");

	private static final Set<String> GOOGLE_TOKEN_URIS = Set.of("https://oauth2.googleapis.com/token",
			"https://www.googleapis.com/oauth2/v4/token", "https://accounts.google.com/o/oauth2/token");

	private static final long MAX_ASSERTION_LIFETIME = 3600;

	private static final long CLOCK_SKEW = 60;

	private final EmulatorSettings settings;

	private final ServiceAccounts accounts;

	private final TokenMint tokens;

	private final Supplier<String> tokenUri;

	private final RefreshTokenGrant refreshTokens;

	OAuthTokenHandler(EmulatorSettings settings, ServiceAccounts accounts, TokenMint tokens,
			Supplier<String> tokenUri) {
		this.settings = settings;
		this.accounts = accounts;
		this.tokens = tokens;
		this.tokenUri = tokenUri;
		this.refreshTokens = new RefreshTokenGrant(settings, accounts, tokens);
	}

	@Override
	public LoopbackResponse handle(RecordedRequest request) {
		if (!PATHS.contains(request.path())) {
			return Exchanges.oauthError(404, "not_found", "No such endpoint");
		}
		if (!"POST".equals(request.method())) {
			return Exchanges.oauthError(405, "invalid_request", "POST required");
		}
		Map<String, String> form = Exchanges.decodeForm(request.body());
		if ("refresh_token".equals(form.get("grant_type"))) {
			return this.refreshTokens.handle(form);
		}
		if (!JWT_BEARER.equals(form.get("grant_type"))) {
			return Exchanges.oauthError(400, "unsupported_grant_type", "Invalid grant_type: " + form.get("grant_type"));
		}
		String assertion = form.get("assertion");
		if (assertion == null || assertion.isEmpty()) {
			return Exchanges.oauthError(400, "invalid_request", "Missing required parameter: assertion");
		}
		try {
			SignedJWT jwt = SignedJWT.parse(assertion);
			ServiceAccounts.KeyFileKey key = verifiedKey(jwt);
			JWTClaimsSet claims = jwt.getJWTClaimsSet();
			checkClaims(claims, key.account());
			String targetAudience = claims.getStringClaim("target_audience");
			if (targetAudience != null && !targetAudience.isEmpty()) {
				String idToken = this.tokens.mintIdToken(key.account(), targetAudience, true, true);
				return Exchanges.json(200, Map.of("id_token", idToken));
			}
			String scope = claims.getStringClaim("scope");
			if (scope == null || scope.isBlank()) {
				return Exchanges.oauthError(400, "invalid_scope", "Empty or missing scope not allowed.");
			}
			TokenMint.AccessToken token = this.tokens.issueAccessToken(key.account());
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("access_token", token.value());
			body.put("expires_in", this.settings.tokenLifetime().toSeconds());
			body.put("token_type", "Bearer");
			return Exchanges.json(200, body);
		}
		catch (ParseException | InvalidGrant ex) {
			return Exchanges.oauthError(400, "invalid_grant", ex.getMessage());
		}
	}

	private ServiceAccounts.KeyFileKey verifiedKey(SignedJWT jwt) throws InvalidGrant {
		if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
			throw new InvalidGrant("Invalid JWT: only RS256 assertions are accepted");
		}
		String keyId = jwt.getHeader().getKeyID();
		ServiceAccounts.KeyFileKey key = (keyId != null) ? this.accounts.keyFileKey(keyId) : null;
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
		String tokenUri = this.tokenUri.get();
		boolean tokenEndpoint = audience.size() == 1
				&& (audience.get(0).equals(tokenUri) || GOOGLE_TOKEN_URIS.contains(audience.get(0)));
		if (!tokenEndpoint) {
			throw new InvalidGrant("Invalid JWT: Failed audience check. The right audience is " + tokenUri);
		}
		Date issuedAt = claims.getIssueTime();
		Date expiresAt = claims.getExpirationTime();
		long now = this.settings.now().getEpochSecond();
		if (issuedAt == null || expiresAt == null || issuedAt.toInstant().getEpochSecond() > now + CLOCK_SKEW
				|| expiresAt.toInstant().getEpochSecond() <= now || expiresAt.toInstant().getEpochSecond()
						- issuedAt.toInstant().getEpochSecond() > MAX_ASSERTION_LIFETIME) {
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
