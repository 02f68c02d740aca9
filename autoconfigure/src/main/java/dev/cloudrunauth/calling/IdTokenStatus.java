package dev.cloudrunauth.calling;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What an {@link IdTokenSource} holds for one audience, for health reporting.
 *
 * @param audience the audience
 * @param valid whether a token that can be handed out is held
 * @param expiresAt when the held token expires, or {@code null} if none is held
 * @param lastFailure why the last mint failed, or {@code null} if it succeeded
 * @param lastFailureAt when the last mint failed, or {@code null}
 */
record IdTokenStatus(String audience, boolean valid, @Nullable Instant expiresAt, @Nullable String lastFailure,
		@Nullable Instant lastFailureAt) {

	/**
	 * The status of an audience no token was ever asked for.
	 * @param audience the audience
	 * @return the status
	 */
	public static IdTokenStatus none(String audience) {
		return new IdTokenStatus(audience, false, null, null, null);
	}

}
