package dev.cloudrunauth.calling;

import java.time.Duration;

/**
 * A minted token with the times that decide its use: refreshed from {@code refreshAt},
 * never handed out from {@code usableUntil}.
 *
 * @param value the compact serialization
 * @param expiresAt its {@code exp}, in epoch milliseconds
 * @param refreshAt when the next token is minted, in epoch milliseconds
 * @param usableUntil when it stops being handed out, in epoch milliseconds
 */
record CachedIdToken(String value, long expiresAt, long refreshAt, long usableUntil) {

	/**
	 * Tokens are not handed out this close to their expiry (or a tenth of their lifetime
	 * if that is less), so that they do not expire on the way.
	 */
	static final Duration EXPIRY_MARGIN = Duration.ofSeconds(5);

	static CachedIdToken of(MintedIdToken minted, long mintStartedAt, Duration refreshBeforeExpiry) {
		long expiresAt = minted.expiresAt().toEpochMilli();
		long lifetime = Math.max(expiresAt - mintStartedAt, 1);
		long usableUntil = expiresAt - Math.min(EXPIRY_MARGIN.toMillis(), lifetime / 10);
		// a refresh margin below the expiry margin would leave a token that is no longer
		// handed out yet not refreshed
		long refreshAt = Math.min(expiresAt - Math.min(refreshBeforeExpiry.toMillis(), lifetime / 2), usableUntil);
		return new CachedIdToken(minted.value(), expiresAt, refreshAt, usableUntil);
	}

	@Override
	public String toString() {
		return "CachedIdToken[expiresAt=" + this.expiresAt + "]";
	}

}
