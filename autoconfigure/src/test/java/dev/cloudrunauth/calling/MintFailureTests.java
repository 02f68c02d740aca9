package dev.cloudrunauth.calling;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.util.backoff.BackOff;

import static org.assertj.core.api.Assertions.assertThat;

class MintFailureTests {

	private final BackOff backOff = MintFailure.backOff(Duration.ofSeconds(1), Duration.ofSeconds(8));

	@Test
	void delaysDoubleFromTheInitialUpToTheMaxWithinAFifthOfJitter() {
		MintFailure failure = null;
		long[] lowest = { 1000, 1600, 3200, 6400, 6400, 6400 };
		long[] highest = { 1200, 2400, 4800, 8000, 8000, 8000 };
		for (int i = 0; i < lowest.length; i++) {
			failure = MintFailure.after(failure, new IOException("503"), this.backOff, 0);
			assertThat(failure.consecutive()).isEqualTo(i + 1);
			assertThat(failure.nextAttemptAt()).as("delay after failure %d", i + 1).isBetween(lowest[i], highest[i]);
		}
	}

	@Test
	void retriesOfInstancesThatFailedTogetherAreSpreadOut() {
		Set<Long> firstDelays = new HashSet<>();
		for (int i = 0; i < 50; i++) {
			firstDelays.add(MintFailure.after(null, new IOException("503"), this.backOff, 0).nextAttemptAt());
		}
		assertThat(firstDelays).hasSizeGreaterThan(10);
	}

	@Test
	void theReasonToRetryLaterNamesTheFailureWithoutItsTokenAndTheSecondsLeft() {
		MintFailure failure = MintFailure.after(null, new IOException("said eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJhIn0.c2ln"),
				this.backOff, 0);
		assertThat(failure.retryLater(0)).isEqualTo("the last attempt failed (said [token removed]); next attempt in "
				+ ((failure.nextAttemptAt() + 999) / 1000) + " s");
	}

}
