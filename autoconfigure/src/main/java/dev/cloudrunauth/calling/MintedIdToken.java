package dev.cloudrunauth.calling;

import java.time.Instant;

/**
 * A freshly minted ID token and its expiry.
 *
 * @param value the compact serialization
 * @param expiresAt its {@code exp}
 */
record MintedIdToken(String value, Instant expiresAt) {

	@Override
	public String toString() {
		return "MintedIdToken[expiresAt=" + this.expiresAt + "]";
	}

}
