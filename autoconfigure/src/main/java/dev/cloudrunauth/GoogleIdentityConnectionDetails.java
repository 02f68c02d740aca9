package dev.cloudrunauth;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;

/**
 * Where Google's identity endpoints are, when they are not Google's own: a bean of this
 * type, such as {@code @ServiceConnection} makes of test-support's
 * {@code GoogleIdentityEmulatorContainer}, takes the place of
 * {@code cloudrun.auth.receiving.jwk-set-uri} and of {@code GCE_METADATA_HOST}.
 * <p>
 * One type for both sides, as one emulator serves both.
 */
public interface GoogleIdentityConnectionDetails extends ConnectionDetails {

	/**
	 * Return the JWK Set URI the receiving side fetches the signing keys from.
	 * @return the URI, such as {@code http://127.0.0.1:8093/oauth2/v3/certs}
	 */
	String jwkSetUri();

	/**
	 * Return the metadata server's host and port, as {@code GCE_METADATA_HOST} would name
	 * it: the calling side mints its ID tokens there, as on Cloud Run, unless the
	 * application brings credentials of its own.
	 * @return the host and port, such as {@code 127.0.0.1:8090}
	 */
	String metadataServerHost();

}
