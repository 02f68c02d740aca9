package dev.cloudrunauth.calling;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CachedIdTokenTests {

	private static final long MINTED_AT = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();

	@Test
	void anHourTokenIsRefreshedTheRefreshMarginAheadAndHandedOutUntilFiveSecondsBeforeExpiry() {
		CachedIdToken token = token(Duration.ofHours(1), Duration.ofMinutes(5));
		assertThat(token.expiresAt()).isEqualTo(MINTED_AT + Duration.ofHours(1).toMillis());
		assertThat(token.refreshAt()).isEqualTo(token.expiresAt() - Duration.ofMinutes(5).toMillis());
		assertThat(token.usableUntil()).isEqualTo(token.expiresAt() - 5000);
	}

	@Test
	void aShortLivedTokenIsRefreshedAtHalfItsLifetimeAndHandedOutUntilATenthBeforeExpiry() {
		CachedIdToken token = token(Duration.ofSeconds(4), Duration.ofMinutes(5));
		assertThat(token.refreshAt()).isEqualTo(MINTED_AT + 2000);
		assertThat(token.usableUntil()).isEqualTo(MINTED_AT + 3600);
	}

	@Test
	void aRefreshMarginBelowTheExpiryMarginStillRefreshesBeforeTheTokenStopsBeingHandedOut() {
		CachedIdToken token = token(Duration.ofHours(1), Duration.ZERO);
		assertThat(token.refreshAt()).isEqualTo(token.usableUntil());
	}

	@Test
	void toStringShowsNoTokenValue() {
		assertThat(token(Duration.ofHours(1), Duration.ZERO))
			.hasToString("CachedIdToken[expiresAt=" + (MINTED_AT + Duration.ofHours(1).toMillis()) + "]");
	}

	private static CachedIdToken token(Duration lifetime, Duration refreshBeforeExpiry) {
		MintedIdToken minted = new MintedIdToken("eyJ.secret", Instant.ofEpochMilli(MINTED_AT).plus(lifetime));
		return CachedIdToken.of(minted, MINTED_AT, refreshBeforeExpiry);
	}

}
