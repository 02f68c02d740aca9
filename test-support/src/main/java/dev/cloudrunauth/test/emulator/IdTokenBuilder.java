package dev.cloudrunauth.test.emulator;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;

import org.jspecify.annotations.Nullable;

/**
 * Builds ID tokens with chosen claims and headers, signed by the emulator's keys or
 * deliberately not, for tests of what a verifier accepts and rejects. Tokens built here
 * are not counted as minted.
 *
 * @see GoogleIdentityEmulator#idToken(String)
 */
public final class IdTokenBuilder {

	/**
	 * What Cloud Run puts in place of the signature after its IAM invoker check verified
	 * a token.
	 */
	public static final String SIGNATURE_REMOVED_BY_GOOGLE = "SIGNATURE_REMOVED_BY_GOOGLE";

	private static final Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();

	private final SigningKeys keys;

	private final Map<String, Object> header = new LinkedHashMap<>();

	private final Map<String, Object> claims = new LinkedHashMap<>();

	private @Nullable String keyId;

	IdTokenBuilder(SigningKeys keys, String issuer, String audience, ServiceAccount account, Instant issuedAt,
			Instant expiresAt) {
		this.keys = keys;
		this.header.put("alg", "RS256");
		this.header.put("typ", "JWT");
		this.claims.put("iss", issuer);
		this.claims.put("aud", audience);
		this.claims.put("azp", account.uniqueId());
		this.claims.put("sub", account.uniqueId());
		this.claims.put("email", account.email());
		this.claims.put("email_verified", true);
		this.claims.put("iat", issuedAt.getEpochSecond());
		this.claims.put("exp", expiresAt.getEpochSecond());
	}

	/**
	 * Set the caller: {@code email}, {@code sub} and {@code azp}.
	 * @param account the service account
	 * @return this builder
	 */
	public IdTokenBuilder serviceAccount(ServiceAccount account) {
		this.claims.put("email", account.email());
		this.claims.put("sub", account.uniqueId());
		this.claims.put("azp", account.uniqueId());
		return this;
	}

	/**
	 * Set the {@code iss} claim.
	 * @param issuer the issuer
	 * @return this builder
	 */
	public IdTokenBuilder issuer(String issuer) {
		return claim("iss", issuer);
	}

	/**
	 * Set the {@code aud} claim to a single audience.
	 * @param audience the audience
	 * @return this builder
	 */
	public IdTokenBuilder audience(String audience) {
		return claim("aud", audience);
	}

	/**
	 * Set the {@code iat} claim.
	 * @param issuedAt when the token was issued
	 * @return this builder
	 */
	public IdTokenBuilder issuedAt(Instant issuedAt) {
		return claim("iat", issuedAt.getEpochSecond());
	}

	/**
	 * Set the {@code exp} claim.
	 * @param expiresAt when the token expires
	 * @return this builder
	 */
	public IdTokenBuilder expiresAt(Instant expiresAt) {
		return claim("exp", expiresAt.getEpochSecond());
	}

	/**
	 * Set the {@code nbf} claim.
	 * @param notBefore when the token becomes valid
	 * @return this builder
	 */
	public IdTokenBuilder notBefore(Instant notBefore) {
		return claim("nbf", notBefore.getEpochSecond());
	}

	/**
	 * Set any claim, replacing a previous value.
	 * @param name the claim name
	 * @param value a JSON-compatible value (String, Number, Boolean, List or Map)
	 * @return this builder
	 */
	public IdTokenBuilder claim(String name, Object value) {
		this.claims.put(name, Objects.requireNonNull(value, "value cannot be null"));
		return this;
	}

	/**
	 * Leave a claim out.
	 * @param name the claim name
	 * @return this builder
	 */
	public IdTokenBuilder withoutClaim(String name) {
		this.claims.remove(name);
		return this;
	}

	/**
	 * Set a JOSE header parameter, replacing a previous value. {@code kid} is set by
	 * {@link #sign()} unless given.
	 * @param name the header parameter name
	 * @param value a JSON-compatible value
	 * @return this builder
	 */
	public IdTokenBuilder header(String name, Object value) {
		this.header.put(name, Objects.requireNonNull(value, "value cannot be null"));
		return this;
	}

	/**
	 * Sign with the given key, published or retired, instead of the current signing key.
	 * @param keyId the key's id
	 * @return this builder
	 */
	public IdTokenBuilder signingKey(String keyId) {
		this.keys.key(keyId);
		this.keyId = keyId;
		return this;
	}

	/**
	 * Return the claims as they stand.
	 * @return a copy of the claims
	 */
	public Map<String, Object> claims() {
		return new LinkedHashMap<>(this.claims);
	}

	/**
	 * Sign with RS256.
	 * @return the compact serialization
	 */
	public String sign() {
		RSAKey key = (this.keyId != null) ? this.keys.key(this.keyId) : this.keys.signingKey();
		Map<String, Object> header = new LinkedHashMap<>(this.header);
		header.putIfAbsent("kid", key.getKeyID());
		return signWithRsa(key, JSONObjectUtils.toJSONString(header), JSONObjectUtils.toJSONString(this.claims));
	}

	/**
	 * Sign with RS256, then replace the signature as Cloud Run does after its IAM invoker
	 * check.
	 * @return the compact serialization ending in {@value #SIGNATURE_REMOVED_BY_GOOGLE}
	 */
	public String signWithSignatureRemovedByGoogle() {
		String token = sign();
		return token.substring(0, token.lastIndexOf('.') + 1) + SIGNATURE_REMOVED_BY_GOOGLE;
	}

	/**
	 * Serialize without a signature and with {@code "alg": "none"}.
	 * @return the compact serialization with an empty signature
	 */
	public String unsigned() {
		Map<String, Object> header = new LinkedHashMap<>(this.header);
		header.put("alg", "none");
		return encode(JSONObjectUtils.toJSONString(header)) + "." + encode(JSONObjectUtils.toJSONString(this.claims))
				+ ".";
	}

	/**
	 * Sign with HMAC-SHA256 under the given secret, for example the bytes of a public
	 * key, as in the classic algorithm-confusion attack.
	 * @param secret the HMAC key
	 * @return the compact serialization
	 */
	public String signWithHmac(byte[] secret) {
		Map<String, Object> header = new LinkedHashMap<>(this.header);
		header.put("alg", "HS256");
		header.putIfAbsent("kid", this.keys.signingKeyId());
		String signingInput = encode(JSONObjectUtils.toJSONString(header)) + "."
				+ encode(JSONObjectUtils.toJSONString(this.claims));
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(secret, "HmacSHA256"));
			return signingInput + "."
					+ base64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String signWithRsa(RSAKey key, String headerJson, String payloadJson) {
		String signingInput = encode(headerJson) + "." + encode(payloadJson);
		try {
			Signature signature = Signature.getInstance("SHA256withRSA");
			signature.initSign(key.toRSAPrivateKey());
			signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
			return signingInput + "." + base64.encodeToString(signature.sign());
		}
		catch (GeneralSecurityException | JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String encode(String json) {
		return base64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
	}

}
