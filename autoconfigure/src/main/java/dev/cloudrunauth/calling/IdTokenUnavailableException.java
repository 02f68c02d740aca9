package dev.cloudrunauth.calling;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when no valid ID token can be had for a call; the call is not sent.
 */
public class IdTokenUnavailableException extends RuntimeException {

	private final @Nullable String target;

	private final String audience;

	private final String credentials;

	private final String reason;

	/**
	 * Create an exception for an audience.
	 * @param audience the audience no token could be had for
	 * @param credentials a description of the credentials that were asked
	 * @param reason why no token could be had
	 * @param cause the underlying failure, if any
	 */
	public IdTokenUnavailableException(String audience, String credentials, String reason, @Nullable Throwable cause) {
		this(null, audience, credentials, reason, cause);
	}

	private IdTokenUnavailableException(@Nullable String target, String audience, String credentials, String reason,
			@Nullable Throwable cause) {
		super(message(target, audience, credentials, reason), cause);
		this.target = target;
		this.audience = audience;
		this.credentials = credentials;
		this.reason = reason;
	}

	/**
	 * Return a copy of this exception that also names the target the call was for.
	 * @param target the target's name
	 * @return the new exception
	 */
	public IdTokenUnavailableException forTarget(String target) {
		return new IdTokenUnavailableException(target, this.audience, this.credentials, this.reason, getCause());
	}

	/**
	 * Return the name of the target the call was for, if known.
	 * @return the target name or {@code null}
	 */
	public @Nullable String getTarget() {
		return this.target;
	}

	/**
	 * Return the audience no token could be had for.
	 * @return the audience
	 */
	public String getAudience() {
		return this.audience;
	}

	/**
	 * Return a description of the credentials that were asked for a token.
	 * @return the credentials description
	 */
	public String getCredentials() {
		return this.credentials;
	}

	/**
	 * Return why no token could be had.
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

	private static String message(@Nullable String target, String audience, String credentials, String reason) {
		String start = (target != null) ? "Call to target '" + target + "' not sent: no" : "No";
		return start + " ID token for audience '" + audience + "' from " + credentials + ": " + reason;
	}

}
