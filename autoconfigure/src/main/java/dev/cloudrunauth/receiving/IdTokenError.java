package dev.cloudrunauth.receiving;

import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;

/**
 * An {@code invalid_token} error that says which {@link RejectionReason} it is.
 */
final class IdTokenError extends OAuth2Error {

	private static final String ERROR_URI = "https://tools.ietf.org/html/rfc6750#section-3.1";

	private final RejectionReason reason;

	/**
	 * Create an error.
	 * @param reason the reason
	 */
	public IdTokenError(RejectionReason reason) {
		super(OAuth2ErrorCodes.INVALID_TOKEN, reason.description(), ERROR_URI);
		this.reason = reason;
	}

	/**
	 * Return the reason.
	 * @return the reason
	 */
	public RejectionReason getReason() {
		return this.reason;
	}

	static OAuth2TokenValidatorResult failure(RejectionReason reason) {
		return OAuth2TokenValidatorResult.failure(new IdTokenError(reason));
	}

}
