package dev.cloudrunauth.receiving;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class KeyRefreshScheduleTests {

	@Test
	void keysAreCachedAsLongAsTheirMaxAgeSaysWithinFiveSecondsAndADay() {
		assertThat(KeyRefreshSchedule.maxAge("public, max-age=21000, must-revalidate, no-transform"))
			.isEqualTo(Duration.ofSeconds(21000));
		assertThat(KeyRefreshSchedule.maxAge("max-age=1")).isEqualTo(Duration.ofSeconds(5));
		assertThat(KeyRefreshSchedule.maxAge("Max-Age=999999")).isEqualTo(Duration.ofDays(1));
	}

	@Test
	void withoutAUsableMaxAgeKeysAreCachedForAnHour() {
		assertThat(KeyRefreshSchedule.maxAge(null)).isEqualTo(Duration.ofHours(1));
		assertThat(KeyRefreshSchedule.maxAge("no-cache")).isEqualTo(Duration.ofHours(1));
		assertThat(KeyRefreshSchedule.maxAge("max-age=soon")).isEqualTo(Duration.ofHours(1));
	}

	@Test
	void theNextFetchIsDueWhenNinetyPercentOfTheMaxAgeHasPassed() {
		try (KeyRefreshSchedule schedule = new KeyRefreshSchedule(() -> {
		})) {
			assertThat(schedule.succeeded("public, max-age=21000")).isEqualTo(Duration.ofSeconds(18900));
			assertThat(schedule.succeeded(null)).isEqualTo(Duration.ofMinutes(54));
			assertThat(schedule.succeeded("max-age=1")).isEqualTo(Duration.ofMillis(4500));
		}
	}

	@Test
	void failedFetchesAreRetriedFromOneSecondDoublingUpToAMinuteWithTenPercentJitter() {
		try (KeyRefreshSchedule schedule = new KeyRefreshSchedule(() -> {
		})) {
			long[] intervals = { 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000 };
			for (long interval : intervals) {
				assertThat(schedule.failed().toMillis()).isBetween(Math.max(1000, interval - interval / 10),
						Math.min(60000, interval + interval / 10));
			}
			schedule.succeeded(null);
			assertThat(schedule.failed().toMillis()).as("a success starts over").isBetween(1000L, 1100L);
		}
	}

	@Test
	void theRetryIsRunAfterItsDelayAndOnlyOneFetchIsScheduledAtATime() {
		AtomicInteger fetches = new AtomicInteger();
		try (KeyRefreshSchedule schedule = new KeyRefreshSchedule(fetches::incrementAndGet)) {
			schedule.succeeded(null);
			schedule.failed();
			await().atMost(Duration.ofSeconds(3)).until(() -> fetches.get() == 1);
			schedule.now();
			await().atMost(Duration.ofSeconds(1)).until(() -> fetches.get() == 2);
		}
	}

}
