package dev.cloudrunauth.test.emulator;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;

/**
 * The emulator's RS256 signing keys, published at its JWKS endpoint. Rotation works as at
 * Google: a new key is published before it signs anything, then becomes the signing key,
 * and the old key is retired later.
 */
public final class SigningKeys {

	private static final SecureRandom random = new SecureRandom();

	private final Map<String, RSAKey> published = new LinkedHashMap<>();

	private final Map<String, RSAKey> retired = new LinkedHashMap<>();

	private String signingKeyId;

	SigningKeys() {
		this.signingKeyId = add();
	}

	/**
	 * Generate a new key and publish it in the JWKS without signing with it yet.
	 * @return the new key's id ({@code kid})
	 */
	public synchronized String add() {
		RSAKey key = generate();
		this.published.put(key.getKeyID(), key);
		return key.getKeyID();
	}

	/**
	 * Sign every token minted from now on with the given published key.
	 * @param keyId the id of a published key
	 */
	public synchronized void useForSigning(String keyId) {
		if (!this.published.containsKey(keyId)) {
			throw new IllegalArgumentException("No published key with id " + keyId);
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
	 * Publish new key material under an existing key id, as a careless or hostile key
	 * server would: tokens signed with the old material no longer verify, and tokens
	 * signed from now on with this id use the new one.
	 * @param keyId the id of a published key
	 */
	public synchronized void replace(String keyId) {
		RSAKey old = this.published.get(keyId);
		if (old == null) {
			throw new IllegalArgumentException("No published key with id " + keyId);
		}
		RSAKey fresh = generate();
		try {
			this.published.put(keyId,
					new RSAKey.Builder(fresh.toRSAPublicKey()).privateKey(fresh.toRSAPrivateKey())
						.keyID(keyId)
						.algorithm(JWSAlgorithm.RS256)
						.keyUse(KeyUse.SIGNATURE)
						.build());
		}
		catch (com.nimbusds.jose.JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Remove a key from the JWKS. Tokens it signed no longer verify once verifiers have
	 * refetched the JWKS.
	 * @param keyId the id of a published key that is not the signing key
	 */
	public synchronized void retire(String keyId) {
		if (keyId.equals(this.signingKeyId)) {
			throw new IllegalStateException("Cannot retire the signing key " + keyId + "; sign with another first");
		}
		RSAKey key = this.published.remove(keyId);
		if (key == null) {
			throw new IllegalArgumentException("No published key with id " + keyId);
		}
		this.retired.put(keyId, key);
	}

	/**
	 * Return the id of the key that signs new tokens.
	 * @return the signing key's id
	 */
	public synchronized String signingKeyId() {
		return this.signingKeyId;
	}

	/**
	 * Return the ids of the keys in the JWKS, oldest first.
	 * @return the published key ids
	 */
	public synchronized List<String> publishedKeyIds() {
		return new ArrayList<>(this.published.keySet());
	}

	/**
	 * Return the public half of a published or retired key.
	 * @param keyId the key id
	 * @return the public key
	 */
	public synchronized RSAPublicKey publicKey(String keyId) {
		try {
			return key(keyId).toRSAPublicKey();
		}
		catch (com.nimbusds.jose.JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	synchronized RSAKey key(String keyId) {
		RSAKey key = this.published.get(keyId);
		if (key == null) {
			key = this.retired.get(keyId);
		}
		if (key == null) {
			throw new IllegalArgumentException("No key with id " + keyId);
		}
		return key;
	}

	synchronized RSAKey signingKey() {
		return this.published.get(this.signingKeyId);
	}

	synchronized String jwkSetJson() {
		List<com.nimbusds.jose.jwk.JWK> keys = new ArrayList<>();
		this.published.values().forEach((key) -> keys.add(key.toPublicJWK()));
		return new JWKSet(keys).toString(true);
	}

	static RSAKey generate() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048, random);
			KeyPair pair = generator.generateKeyPair();
			byte[] id = new byte[20];
			random.nextBytes(id);
			return new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey((RSAPrivateKey) pair.getPrivate())
				.keyID(HexFormat.of().formatHex(id))
				.algorithm(JWSAlgorithm.RS256)
				.keyUse(KeyUse.SIGNATURE)
				.build();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
