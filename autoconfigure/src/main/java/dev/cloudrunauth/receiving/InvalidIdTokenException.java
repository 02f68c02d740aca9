package dev.cloudrunauth.receiving;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.jwt.BadJwtException;

/**
 * Thrown when an ID token is rejected. Its message, which Spring Security sends as the
 * {@code error_description} of a 401 response, is the reason's description and never
 * contains any part of the token.
 */
class InvalidIdTokenException extends BadJwtException {

	private final RejectionReason reason;

	/**
	 * Create an exception.
	 * @param reason why the token was rejected
	 */
	public InvalidIdTokenException(RejectionReason reason) {
		this(reason, reason.description(), null);
	}

	/**
	 * Create an exception.
	 * @param reason why the token was rejected
	 * @param description what the client is told
	 * @param cause the underlying failure, if any
	 */
	public InvalidIdTokenException(RejectionReason reason, String description, @Nullable Throwable cause) {
		super(description, cause);
		this.reason = reason;
	}

	/**
	 * Return why the token was rejected.
	 * @return the reason
	 */
	public RejectionReason getReason() {
		return this.reason;
	}

}
