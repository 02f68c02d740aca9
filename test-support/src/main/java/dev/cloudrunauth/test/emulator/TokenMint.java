package dev.cloudrunauth.test.emulator;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;

import org.jspecify.annotations.Nullable;

/**
 * Mints the tokens the endpoints hand out, with the current signing key, issuer and
 * lifetime: ID tokens, counted per audience, and opaque access tokens, remembered until
 * they expire so that Google's APIs can tell who calls.
 */
final class TokenMint {

	private static final SecureRandom random = new SecureRandom();

	private final SigningKeys keys;

	private final EmulatorSettings settings;

	private final Map<String, AccessToken> accessTokens = new ConcurrentHashMap<>();

	private final Map<String, AtomicLong> idTokensMinted = new ConcurrentHashMap<>();

	TokenMint(SigningKeys keys, EmulatorSettings settings) {
		this.keys = keys;
		this.settings = settings;
	}

	IdTokenBuilder idToken(String audience, ServiceAccount account) {
		Instant now = this.settings.now();
		return new IdTokenBuilder(this.keys, this.settings.issuer().value(), audience, account, now,
				now.plus(this.settings.tokenLifetime()));
	}

	String mintIdToken(ServiceAccount account, String audience, boolean includeEmail, boolean emailAsAzp) {
		Instant now = this.settings.now();
		Map<String, Object> claims = new LinkedHashMap<>();
		claims.put("aud", audience);
		claims.put("azp", emailAsAzp ? account.email() : account.uniqueId());
		if (includeEmail) {
			claims.put("email", account.email());
			claims.put("email_verified", true);
		}
		claims.put("exp", now.plus(this.settings.tokenLifetime()).getEpochSecond());
		claims.put("iat", now.getEpochSecond());
		claims.put("iss", this.settings.issuer().value());
		claims.put("sub", account.uniqueId());
		return sign(audience, claims);
	}

	/**
	 * Mint the ID token of a user's refresh response, as Google's token endpoint does for
	 * a refresh token granted the {@code openid} scope: its audience, and its
	 * {@code azp}, are the OAuth client.
	 */
	String mintUserIdToken(ServiceAccount user, String clientId) {
		Instant now = this.settings.now();
		Map<String, Object> claims = new LinkedHashMap<>();
		claims.put("iss", this.settings.issuer().value());
		claims.put("azp", clientId);
		claims.put("aud", clientId);
		claims.put("sub", user.uniqueId());
		claims.put("email", user.email());
		claims.put("email_verified", true);
		claims.put("iat", now.getEpochSecond());
		claims.put("exp", now.plus(this.settings.tokenLifetime()).getEpochSecond());
		return sign(clientId, claims);
	}

	private String sign(String audience, Map<String, Object> claims) {
		RSAKey key = this.keys.signingKey();
		Map<String, Object> header = new LinkedHashMap<>();
		header.put("alg", "RS256");
		header.put("kid", key.getKeyID());
		header.put("typ", "JWT");
		String token = IdTokenBuilder.signWithRsa(key, JSONObjectUtils.toJSONString(header),
				JSONObjectUtils.toJSONString(claims));
		this.idTokensMinted.computeIfAbsent(audience, (any) -> new AtomicLong()).incrementAndGet();
		return token;
	}

	AccessToken issueAccessToken(ServiceAccount account) {
		byte[] bytes = new byte[24];
		random.nextBytes(bytes);
		String value = "ya29.emulator." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
		AccessToken token = new AccessToken(value, account, this.settings.now().plus(this.settings.tokenLifetime()));
		this.accessTokens.put(value, token);
		return token;
	}

	@Nullable ServiceAccount accessTokenOwner(String value) {
		AccessToken token = this.accessTokens.get(value);
		if (token == null) {
			return null;
		}
		if (!token.expiresAt().isAfter(this.settings.now())) {
			this.accessTokens.remove(value);
			return null;
		}
		return token.account();
	}

	long idTokensMinted(String audience) {
		AtomicLong count = this.idTokensMinted.get(audience);
		return (count != null) ? count.get() : 0;
	}

	long idTokensMinted() {
		return this.idTokensMinted.values().stream().mapToLong(AtomicLong::get).sum();
	}

	void resetCounters() {
		this.idTokensMinted.clear();
	}

	/**
	 * An access token the emulator issued.
	 */
	record AccessToken(String value, ServiceAccount account, Instant expiresAt) {
	}

}
