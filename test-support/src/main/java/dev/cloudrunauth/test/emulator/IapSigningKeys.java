package dev.cloudrunauth.test.emulator;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;

/**
 * The emulator's IAP signing keys, ES256 on P-256, published at its IAP key set
 * ({@link EmulatedIap#jwkSetUri()}) as IAP publishes its own at
 * {@code https://www.gstatic.com/iap/verify/public_key-jwk}. Rotation works as for
 * {@link SigningKeys}: publish, then sign, then retire.
 */
public final class IapSigningKeys {

	private static final SecureRandom random = new SecureRandom();

	private final Map<String, ECKey> published = new LinkedHashMap<>();

	private final Map<String, ECKey> retired = new LinkedHashMap<>();

	private String signingKeyId;

	IapSigningKeys() {
		this.signingKeyId = add();
	}

	/**
	 * Generate a new key and publish it without signing with it yet.
	 * @return the new key's id ({@code kid})
	 */
	public synchronized String add() {
		ECKey key = generate();
		this.published.put(key.getKeyID(), key);
		return key.getKeyID();
	}

	/**
	 * Sign every assertion from now on with the given published key.
	 * @param keyId the id of a published key
	 */
	public synchronized void useForSigning(String keyId) {
		if (!this.published.containsKey(keyId)) {
			throw new IllegalArgumentException("No published IAP key with id " + keyId);
		}
		this.signingKeyId = keyId;
	}

	/**
	 * Publish a new key and sign with it from now on, keeping the previous key published.
	 * @return the new key's id
	 */
	public synchronized String rotate() {
		String keyId = add();
		useForSigning(keyId);
		return keyId;
	}

	/**
	 * Remove a key from the key set.
	 * @param keyId the id of a published key that is not the signing key
	 */
	public synchronized void retire(String keyId) {
		if (keyId.equals(this.signingKeyId)) {
			throw new IllegalStateException("Cannot retire the signing key " + keyId + "; sign with another first");
		}
		ECKey key = this.published.remove(keyId);
		if (key == null) {
			throw new IllegalArgumentException("No published IAP key with id " + keyId);
		}
		this.retired.put(keyId, key);
	}

	/**
	 * Return the id of the key that signs new assertions.
	 * @return the signing key's id
	 */
	public synchronized String signingKeyId() {
		return this.signingKeyId;
	}

	/**
	 * Return the ids of the published keys, oldest first.
	 * @return the published key ids
	 */
	public synchronized List<String> publishedKeyIds() {
		return new ArrayList<>(this.published.keySet());
	}

	synchronized ECKey key(String keyId) {
		ECKey key = this.published.get(keyId);
		if (key == null) {
			key = this.retired.get(keyId);
		}
		if (key == null) {
			throw new IllegalArgumentException("No IAP key with id " + keyId);
		}
		return key;
	}

	synchronized ECKey signingKey() {
		return this.published.get(this.signingKeyId);
	}

	synchronized String jwkSetJson() {
		List<JWK> keys = new ArrayList<>();
		this.published.values().forEach((key) -> keys.add(key.toPublicJWK()));
		return new JWKSet(keys).toString(true);
	}

	static ECKey generate() {
		try {
			byte[] id = new byte[6];
			random.nextBytes(id);
			return new ECKeyGenerator(Curve.P_256).keyID(HexFormat.of().formatHex(id))
				.algorithm(JWSAlgorithm.ES256)
				.keyUse(KeyUse.SIGNATURE)
				.secureRandom(random)
				.generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
