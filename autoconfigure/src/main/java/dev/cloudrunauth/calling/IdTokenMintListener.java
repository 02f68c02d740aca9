package dev.cloudrunauth.calling;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Told about every attempt to mint an ID token, for metrics.
 */
@FunctionalInterface
interface IdTokenMintListener {

	/**
	 * Called after an attempt to mint a token.
	 * @param audience the audience
	 * @param duration how long the attempt took
	 * @param failure why it failed, or {@code null} if it succeeded
	 */
	void minted(String audience, Duration duration, @Nullable Throwable failure);

}
