package dev.cloudrunauth.test.emulator;

/**
 * Identity-Aware Proxy as the emulator plays it, from
 * {@link GoogleIdentityEmulator#iap()}: its ES256 keys, published on the JWKS endpoint
 * (whose faults apply) at {@code /iap/verify/public_key-jwk}, and the signed headers it
 * sends to the app behind it.
 */
public final class EmulatedIap {

	private final IapSigningKeys keys;

	private final SigningKeys googleKeys;

	private final EmulatorSettings settings;

	private final JwksHandler jwks;

	private final int port;

	EmulatedIap(IapSigningKeys keys, SigningKeys googleKeys, EmulatorSettings settings, JwksHandler jwks, int port) {
		this.keys = keys;
		this.googleKeys = googleKeys;
		this.settings = settings;
		this.jwks = jwks;
		this.port = port;
	}

	/**
	 * Return the URI of IAP's key set,
	 * {@code http://127.0.0.1:PORT/iap/verify/public_key-jwk}, as IAP's at
	 * {@code https://www.gstatic.com/iap/verify/public_key-jwk}.
	 * @return the URI
	 */
	public String jwkSetUri() {
		return "http://127.0.0.1:" + this.port + JwksHandler.IAP_PATH;
	}

	/**
	 * Return IAP's signing keys, to rotate them.
	 * @return the keys
	 */
	public IapSigningKeys keys() {
		return this.keys;
	}

	/**
	 * Start building IAP's signed header ({@code x-goog-iap-jwt-assertion}) for an end
	 * user, issued now.
	 * @param email the user's email
	 * @param audience the app's IAP audience, such as {@link #audience(String)}
	 * @return the builder
	 */
	public IapAssertionBuilder assertion(String email, String audience) {
		return new IapAssertionBuilder(this.keys, this.googleKeys, email, audience, this.settings.now());
	}

	/**
	 * Return the audience of IAP's assertions for a Cloud Run service of the emulator's
	 * project and region: {@code /projects/NUMBER/locations/REGION/services/SERVICE}.
	 * @param service the service's name ({@code K_SERVICE})
	 * @return the audience
	 */
	public String audience(String service) {
		return "/projects/" + this.settings.projectNumber() + "/locations/" + this.settings.region() + "/services/"
				+ service;
	}

	/**
	 * Return how many times IAP's key set was served since start or the last reset.
	 * @return the count
	 */
	public long jwksFetches() {
		return this.jwks.iapFetches();
	}

}
