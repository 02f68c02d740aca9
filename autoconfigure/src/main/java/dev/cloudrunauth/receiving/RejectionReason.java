package dev.cloudrunauth.receiving;

import java.util.Locale;

/**
 * Why an ID token was rejected.
 */
enum RejectionReason {

	/**
	 * Not a well-formed JWS compact serialization, or claims of the wrong type.
	 */
	MALFORMED("The token is malformed"),

	/**
	 * Not signed ({@code "alg": "none"}).
	 */
	UNSIGNED("The token is not signed"),

	/**
	 * Signed with another algorithm than RS256 (ES256 for IAP's assertions).
	 */
	ALGORITHM("The token is not signed with the accepted algorithm"),

	/**
	 * A JOSE header parameter that is not accepted ({@code crit}, {@code jku},
	 * {@code x5u}, {@code jwk}, {@code x5c}), or no {@code kid}.
	 */
	HEADER("The token's header is not accepted"),

	/**
	 * Signed with a key that is not in the JWK Set.
	 */
	UNKNOWN_KEY("The token is signed with an unknown key"),

	/**
	 * The JWK Set could not be loaded yet.
	 */
	KEYS_UNAVAILABLE("The signing keys are not available; try again"),

	/**
	 * The signature does not verify.
	 */
	SIGNATURE("The token's signature is invalid"),

	/**
	 * The signature was replaced with {@code SIGNATURE_REMOVED_BY_GOOGLE} and this
	 * service verifies signatures.
	 */
	SIGNATURE_REMOVED("The token's signature was removed and this service verifies signatures"),

	/**
	 * The signature was replaced with {@code SIGNATURE_REMOVED_BY_GOOGLE}, in trust mode,
	 * but Cloud Run's invoker IAM check is off for this service, so nobody verified the
	 * token.
	 */
	INVOKER_IAM_DISABLED("The token's signature was removed, but this service's Cloud Run invoker IAM check is off"),

	/**
	 * {@code exp} has passed, or is missing.
	 */
	EXPIRED("The token has expired"),

	/**
	 * {@code nbf} is in the future.
	 */
	NOT_YET_VALID("The token is not valid yet"),

	/**
	 * {@code iat} is in the future, or missing.
	 */
	ISSUED_AT("The token's issue time is missing or in the future"),

	/**
	 * {@code exp - iat} is longer than the longest lifetime accepted (Google issues
	 * tokens for one hour).
	 */
	LIFETIME("The token's lifetime is longer than accepted"),

	/**
	 * {@code iss} is not a Google issuer.
	 */
	ISSUER("The token's issuer is not accepted"),

	/**
	 * {@code aud} is not an audience of this service.
	 */
	AUDIENCE("The token's audience is not accepted"),

	/**
	 * {@code email} is missing.
	 */
	EMAIL("The token has no email"),

	/**
	 * {@code email} is not an ASCII email address.
	 */
	EMAIL_INVALID("The token's email is not a valid address"),

	/**
	 * {@code email_verified} is not the boolean {@code true}.
	 */
	EMAIL_NOT_VERIFIED("The token's email is not verified"),

	/**
	 * Rejected by a validator of the application's.
	 */
	OTHER("The token is not accepted");

	private final String description;

	RejectionReason(String description) {
		this.description = description;
	}

	/**
	 * Return the description sent in the {@code error_description} of the
	 * {@code WWW-Authenticate} header.
	 * @return the description, which never contains any part of the token
	 */
	public String description() {
		return this.description;
	}

	/**
	 * Return the reason as a metric tag value.
	 * @return the lower-case name
	 */
	public String tag() {
		return name().toLowerCase(Locale.ROOT);
	}

}
