package dev.cloudrunauth.test.emulator;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;

import org.jspecify.annotations.Nullable;

/**
 * Builds IAP's signed header ({@code x-goog-iap-jwt-assertion}) for an end user, as
 * Identity-Aware Proxy sends it: ES256 with the emulator's IAP key, {@code iss}
 * {@code https://cloud.google.com/iap}, the audience, {@code email}, {@code sub}
 * ({@code accounts.google.com:NUMBER}), optional {@code hd}, and a lifetime of ten
 * minutes. Or deliberately not, for tests of what a verifier rejects.
 *
 * @see EmulatedIap#assertion(String, String)
 */
public final class IapAssertionBuilder {

	/**
	 * The header IAP adds to the requests it lets through.
	 */
	public static final String HEADER = "x-goog-iap-jwt-assertion";

	/**
	 * IAP's issuer.
	 */
	public static final String ISSUER = "https://cloud.google.com/iap";

	private static final Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();

	private final IapSigningKeys keys;

	private final SigningKeys googleKeys;

	private final Map<String, Object> header = new LinkedHashMap<>();

	private final Map<String, Object> claims = new LinkedHashMap<>();

	private @Nullable String keyId;

	IapAssertionBuilder(IapSigningKeys keys, SigningKeys googleKeys, String email, String audience, Instant now) {
		this.keys = keys;
		this.googleKeys = googleKeys;
		this.header.put("alg", "ES256");
		this.header.put("typ", "JWT");
		this.claims.put("aud", audience);
		this.claims.put("email", email);
		this.claims.put("exp", now.plusSeconds(600).getEpochSecond());
		this.claims.put("iat", now.getEpochSecond());
		this.claims.put("iss", ISSUER);
		this.claims.put("sub", "accounts.google.com:" + ServiceAccount.of(email).uniqueId());
	}

	/**
	 * Set the user's Google Workspace domain ({@code hd}).
	 * @param domain the domain, such as {@code example.com}
	 * @return this builder
	 */
	public IapAssertionBuilder hostedDomain(String domain) {
		return claim("hd", domain);
	}

	/**
	 * Set the {@code iss} claim.
	 * @param issuer the issuer
	 * @return this builder
	 */
	public IapAssertionBuilder issuer(String issuer) {
		return claim("iss", issuer);
	}

	/**
	 * Set the {@code aud} claim.
	 * @param audience the audience
	 * @return this builder
	 */
	public IapAssertionBuilder audience(String audience) {
		return claim("aud", audience);
	}

	/**
	 * Set the {@code iat} claim.
	 * @param issuedAt when the assertion was issued
	 * @return this builder
	 */
	public IapAssertionBuilder issuedAt(Instant issuedAt) {
		return claim("iat", issuedAt.getEpochSecond());
	}

	/**
	 * Set the {@code exp} claim.
	 * @param expiresAt when the assertion expires
	 * @return this builder
	 */
	public IapAssertionBuilder expiresAt(Instant expiresAt) {
		return claim("exp", expiresAt.getEpochSecond());
	}

	/**
	 * Set any claim, replacing a previous value.
	 * @param name the claim name
	 * @param value a JSON-compatible value
	 * @return this builder
	 */
	public IapAssertionBuilder claim(String name, Object value) {
		this.claims.put(name, Objects.requireNonNull(value, "value cannot be null"));
		return this;
	}

	/**
	 * Leave a claim out.
	 * @param name the claim name
	 * @return this builder
	 */
	public IapAssertionBuilder withoutClaim(String name) {
		this.claims.remove(name);
		return this;
	}

	/**
	 * Set a JOSE header parameter; {@code kid} is set on signing unless given.
	 * @param name the header parameter name
	 * @param value a JSON-compatible value
	 * @return this builder
	 */
	public IapAssertionBuilder header(String name, Object value) {
		this.header.put(name, Objects.requireNonNull(value, "value cannot be null"));
		return this;
	}

	/**
	 * Sign with the given IAP key, published or retired, instead of the signing key.
	 * @param keyId the key's id
	 * @return this builder
	 */
	public IapAssertionBuilder signingKey(String keyId) {
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
	 * Sign with ES256 and the emulator's IAP key.
	 * @return the compact serialization
	 */
	public String sign() {
		return signWith((this.keyId != null) ? this.keys.key(this.keyId) : this.keys.signingKey());
	}

	/**
	 * Sign with ES256 and a key of nobody's, under the id of the IAP signing key: a
	 * forgery.
	 * @return the compact serialization
	 */
	public String signWithAnotherKey() {
		ECKey impostor = IapSigningKeys.generate();
		this.header.putIfAbsent("kid", this.keys.signingKeyId());
		return signWith(impostor);
	}

	/**
	 * Sign with RS256 and the emulator's Google signing key (that of ID tokens).
	 * @return the compact serialization
	 */
	public String signWithGoogleIdTokenKey() {
		Map<String, Object> header = new LinkedHashMap<>(this.header);
		header.put("alg", "RS256");
		header.put("kid", this.googleKeys.signingKeyId());
		return IdTokenBuilder.signWithRsa(this.googleKeys.signingKey(), JSONObjectUtils.toJSONString(header),
				JSONObjectUtils.toJSONString(this.claims));
	}

	/**
	 * Serialize with {@code "alg": "none"} and no signature.
	 * @return the compact serialization with an empty signature
	 */
	public String unsigned() {
		Map<String, Object> header = new LinkedHashMap<>(this.header);
		header.put("alg", "none");
		header.putIfAbsent("kid", this.keys.signingKeyId());
		return encode(JSONObjectUtils.toJSONString(header)) + "." + encode(JSONObjectUtils.toJSONString(this.claims))
				+ ".";
	}

	/**
	 * Sign with HMAC-SHA256 under the given secret, as in the algorithm-confusion attack.
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

	private String signWith(ECKey key) {
		Map<String, Object> header = new LinkedHashMap<>(this.header);
		header.putIfAbsent("kid", key.getKeyID());
		String signingInput = encode(JSONObjectUtils.toJSONString(header)) + "."
				+ encode(JSONObjectUtils.toJSONString(this.claims));
		try {
			// JWS ES256 signatures are R || S (64 bytes), not the DER the JDK's
			// Signature produces
			Base64URL signature = new ECDSASigner(key).sign(new JWSHeader(JWSAlgorithm.ES256),
					signingInput.getBytes(StandardCharsets.US_ASCII));
			return signingInput + "." + signature;
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String encode(String json) {
		return base64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
	}

}
