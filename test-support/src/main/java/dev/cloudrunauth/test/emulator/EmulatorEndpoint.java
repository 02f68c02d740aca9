package dev.cloudrunauth.test.emulator;

/**
 * The emulated endpoints. Each listens on its own port, so a fault such as refused
 * connections can be injected into one without touching the others.
 */
public enum EmulatorEndpoint {

	/**
	 * Metadata server ({@code /computeMetadata/v1/...}), reached through
	 * {@code GCE_METADATA_HOST}.
	 */
	METADATA,

	/**
	 * OAuth 2.0 token endpoint ({@code /token}), the {@code token_uri} of service account
	 * key files.
	 */
	OAUTH_TOKEN,

	/**
	 * IAM Credentials API ({@code /v1/projects/-/serviceAccounts/EMAIL:generateIdToken})
	 * used for impersonation.
	 */
	IAM_CREDENTIALS,

	/**
	 * Google's signing keys as a JWK Set ({@code /oauth2/v3/certs}).
	 */
	JWKS,

	/**
	 * Cloud Run Admin API v2
	 * ({@code GET /v2/projects/PROJECT/locations/REGION/services/NAME}), which a service
	 * reads to learn whether Cloud Run's invoker IAM check is on.
	 */
	CLOUD_RUN_ADMIN

}
