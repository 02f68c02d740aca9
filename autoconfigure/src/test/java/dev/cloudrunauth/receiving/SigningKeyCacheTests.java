package dev.cloudrunauth.receiving;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.cloudrunauth.receiving.VerifiedTokenCacheTests.MutableClock;
import dev.cloudrunauth.test.LoopbackResponse;
import dev.cloudrunauth.test.LoopbackServer;
import dev.cloudrunauth.test.emulator.EmulatorEndpoint;
import dev.cloudrunauth.test.emulator.Fault;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

class SigningKeyCacheTests {

	private static final Duration INTERVAL = Duration.ofSeconds(30);

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();

	@Test
	void aKeyPublishedRightAfterTheStartupFetchIsFoundAtOnce() throws Exception {
		GoogleIdentityEmulator emulator = google.emulator();
		try (SigningKeyCache keys = started(Clock.systemUTC())) {
			await().until(keys::keysLoaded);
			String rotated = emulator.keys().rotate();
			assertThat(keys.key(rotated).get(5, TimeUnit.SECONDS)).isPresent();
			assertThat(keys.fetches()).isEqualTo(2);
		}
	}

	@Test
	void aKeyPublishedRightAfterAnOutageEndsIsFoundAtOnce() throws Exception {
		GoogleIdentityEmulator emulator = google.emulator();
		emulator.inject(EmulatorEndpoint.JWKS, Fault.httpStatus(503));
		try (SigningKeyCache keys = started(Clock.systemUTC())) {
			await().until(() -> keys.failedFetches() >= 2);
			emulator.clearFault(EmulatorEndpoint.JWKS);
			await().atMost(Duration.ofSeconds(10)).until(keys::keysLoaded);
			String rotated = emulator.keys().rotate();
			assertThat(keys.key(rotated).get(5, TimeUnit.SECONDS)).isPresent();
		}
	}

	@Test
	void aKeyPublishedWhileAScheduledFetchIsUnderWayIsStillLookedFor() throws Exception {
		GoogleIdentityEmulator emulator = google.emulator();
		try (LoopbackServer slow = snapshotThenWait(emulator, Duration.ofMillis(500));
				SigningKeyCache keys = new SigningKeyCache(URI.create(slow.url() + "/oauth2/v3/certs"), INTERVAL,
						Duration.ofSeconds(5), Clock.systemUTC())) {
			keys.start();
			await().until(() -> emulator.jwksFetches() == 1);
			String rotated = emulator.keys().rotate();
			assertThat(keys.key(rotated).get(5, TimeUnit.SECONDS)).isPresent();
			assertThat(keys.fetches()).isEqualTo(2);
		}
	}

	@Test
	void forgedKeyIdsCauseAtMostOneFetchPerInterval() throws Exception {
		MutableClock clock = new MutableClock(Instant.now());
		try (SigningKeyCache keys = started(clock)) {
			await().until(keys::keysLoaded);
			for (int i = 0; i < 40; i++) {
				assertThat(keys.key("forged-" + i).get(5, TimeUnit.SECONDS)).isEmpty();
			}
			assertThat(keys.fetches()).isEqualTo(2);
			clock.set(clock.instant().plus(INTERVAL));
			for (int i = 0; i < 40; i++) {
				assertThat(keys.key("forged-again-" + i).get(5, TimeUnit.SECONDS)).isEmpty();
			}
			assertThat(keys.fetches()).isEqualTo(3);
		}
	}

	@Test
	void aTokenVerifiedBeforeTheFirstFetchLeavesTheAllowanceForAKeyPublishedLater() throws Exception {
		GoogleIdentityEmulator emulator = google.emulator();
		MutableClock clock = new MutableClock(Instant.now());
		// not started: the first request comes before the fetch startup begins
		try (SigningKeyCache keys = new SigningKeyCache(URI.create(emulator.jwkSetUri()), INTERVAL,
				Duration.ofSeconds(5), clock)) {
			assertThat(keys.key(emulator.keys().signingKeyId()).get(5, TimeUnit.SECONDS)).isPresent();
			assertThat(keys.fetches()).isEqualTo(1);
			String rotated = emulator.keys().rotate();
			assertThat(keys.key(rotated).get(5, TimeUnit.SECONDS)).isPresent();
			assertThat(keys.fetches()).isEqualTo(2);
			// that one used the allowance
			assertThat(keys.key("forged").get(5, TimeUnit.SECONDS)).isEmpty();
			assertThat(keys.fetches()).isEqualTo(2);
		}
	}

	@Test
	void aFetchThatCompletesBetweenAMissAndTheLookForAFetchUnderWayIsNoMiss() throws Exception {
		GoogleIdentityEmulator emulator = google.emulator();
		InterleavingClock clock = new InterleavingClock(Instant.now());
		try (SigningKeyCache keys = started(clock)) {
			await().until(keys::keysLoaded);
			String rotated = emulator.keys().rotate();
			clock.set(clock.instant().plus(INTERVAL));
			// right after this request misses the key, another one with an unknown key id
			// fetches the keys
			clock.onNextReadBy(Thread.currentThread(), () -> {
				CompletableFuture.supplyAsync(() -> keys.key("another-unknown-key").join()).join();
				assertThat(keys.cachedKey(rotated)).isNotNull();
			});
			assertThat(keys.key(rotated).get(5, TimeUnit.SECONDS)).isPresent();
			assertThat(clock.interleaved()).isTrue();
			assertThat(keys.fetches()).isEqualTo(2);
		}
	}

	@Test
	void aRefetchIntervalUnderOneSecondIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SigningKeyCache(URI.create(google.emulator().jwkSetUri()), Duration.ofMillis(999),
					Duration.ofSeconds(5), Clock.systemUTC()))
			.withMessageContaining("1s");
	}

	/**
	 * A JWKS endpoint that reads the emulator's keys when a request arrives and answers
	 * after a delay, so that keys published in between are missing from its answer, as
	 * from a fetch that began before they were.
	 */
	private static LoopbackServer snapshotThenWait(GoogleIdentityEmulator emulator, Duration delay) {
		HttpClient client = HttpClient.newHttpClient();
		return LoopbackServer.start((request) -> {
			byte[] keys = client
				.send(HttpRequest.newBuilder(URI.create(emulator.jwkSetUri())).build(),
						HttpResponse.BodyHandlers.ofByteArray())
				.body();
			Thread.sleep(delay.toMillis());
			return LoopbackResponse.status(200).withBody("application/json", keys);
		});
	}

	/**
	 * A clock that, when a given thread next reads it, first runs an action: what happens
	 * on other threads between two steps of that thread.
	 */
	static final class InterleavingClock extends MutableClock {

		private final AtomicReference<@Nullable Thread> reader = new AtomicReference<>();

		private volatile Runnable action = () -> {
		};

		private volatile boolean interleaved;

		InterleavingClock(Instant now) {
			super(now);
		}

		void onNextReadBy(Thread thread, Runnable action) {
			this.action = action;
			this.reader.set(thread);
		}

		boolean interleaved() {
			return this.interleaved;
		}

		@Override
		public long millis() {
			Thread current = Thread.currentThread();
			if (this.reader.compareAndSet(current, null)) {
				this.action.run();
				this.interleaved = true;
			}
			return super.millis();
		}

	}

	private static SigningKeyCache started(Clock clock) {
		SigningKeyCache keys = new SigningKeyCache(URI.create(google.emulator().jwkSetUri()), INTERVAL,
				Duration.ofSeconds(5), clock);
		keys.start();
		return keys;
	}

}
