package dev.cloudrunauth.calling;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class IdTokenCacheTests {

	private final FakeMinter minter = new FakeMinter();

	private IdTokenCache cache;

	@AfterEach
	void close() {
		if (this.cache != null) {
			this.cache.close();
		}
	}

	@Test
	void mintsOnceAndServesTheCachedTokenAfterwards() {
		this.cache = cache(Duration.ofMinutes(5));
		String first = this.cache.token("https://a.example");
		assertThat(this.cache.token("https://a.example")).isEqualTo(first);
		assertThat(this.minter.mints("https://a.example")).isEqualTo(1);
		assertThat(this.cache.statistics().hits.sum()).isEqualTo(1);
		assertThat(this.cache.statistics().misses.sum()).isEqualTo(1);
	}

	@Test
	void audiencesAreCachedSeparately() {
		this.cache = cache(Duration.ofMinutes(5));
		assertThat(this.cache.token("https://a.example")).isNotEqualTo(this.cache.token("https://b.example"));
		assertThat(this.minter.mints("https://a.example")).isEqualTo(1);
		assertThat(this.minter.mints("https://b.example")).isEqualTo(1);
	}

	@Test
	void sixtyFourConcurrentThreadsCauseOneMintPerAudience() throws Exception {
		this.cache = cache(Duration.ofMinutes(5));
		this.minter.delay = Duration.ofMillis(200);
		ExecutorService threads = Executors.newFixedThreadPool(64);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<String>> results = new ArrayList<>();
			for (int i = 0; i < 64 * 20; i++) {
				String audience = "https://" + (i % 4) + ".example";
				results.add(threads.submit(() -> {
					start.await();
					return this.cache.token(audience);
				}));
			}
			start.countDown();
			for (Future<String> result : results) {
				assertThat(result.get(30, TimeUnit.SECONDS)).startsWith("token-");
			}
		}
		finally {
			threads.shutdownNow();
		}
		for (int i = 0; i < 4; i++) {
			assertThat(this.minter.mints("https://" + i + ".example")).isEqualTo(1);
		}
		assertThat(this.minter.maxConcurrentMintsPerAudience.get()).isEqualTo(1);
	}

	@Test
	void tokenIsRefreshedInTheBackgroundAheadOfExpiryWhileInUse() {
		this.minter.lifetime = Duration.ofSeconds(3);
		this.cache = cache(Duration.ofSeconds(2));
		String first = this.cache.token("https://a.example");
		this.cache.token("https://a.example");
		await().atMost(Duration.ofSeconds(5)).until(() -> this.minter.mints("https://a.example") == 2);
		assertThat(this.cache.token("https://a.example")).isNotEqualTo(first);
		assertThat(this.cache.statistics().misses.sum()).isEqualTo(1);
	}

	@Test
	void idleAudienceIsNotRefreshed() throws Exception {
		this.minter.lifetime = Duration.ofSeconds(2);
		this.cache = cache(Duration.ofSeconds(1));
		this.cache.token("https://a.example");
		Thread.sleep(2500);
		assertThat(this.minter.mints("https://a.example")).isEqualTo(1);
	}

	@Test
	void tokenThatIsAlreadyExpiredWhenMintedIsNeverHandedOut() {
		this.cache = cache(Duration.ZERO);
		this.minter.fixedExpiry = Instant.now().minusSeconds(10);
		assertThatExceptionOfType(IdTokenUnavailableException.class)
			.isThrownBy(() -> this.cache.token("https://a.example"))
			.withMessageContaining("already past by this machine's clock");
	}

	@Test
	void tokenIsNotHandedOutWithinTheExpiryMarginButReplaced() {
		this.minter.lifetime = Duration.ofSeconds(2);
		this.cache = cache(Duration.ZERO);
		String first = this.cache.token("https://a.example");
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.cache.token("https://a.example").equals(first));
		assertThat(this.minter.mints("https://a.example")).isEqualTo(2);
	}

	@Test
	void tokenWithinTheExpiryMarginIsNotHandedOutEvenWithoutARefreshMargin() {
		MutableClock clock = new MutableClock(Instant.now());
		this.minter.lifetime = Duration.ofSeconds(2);
		this.cache = new IdTokenCache(this.minter, clock, Duration.ZERO, Duration.ofSeconds(5), 100,
				Duration.ofSeconds(1), Duration.ofSeconds(30));
		String first = this.cache.token("https://a.example");
		this.minter.lifetime = Duration.ofHours(1);
		// past the margin of a tenth of the lifetime, before expiry
		clock.advance(Duration.ofMillis(1900));
		assertThat(this.cache.token("https://a.example")).isNotEqualTo(first);
		assertThat(this.minter.mints("https://a.example")).isEqualTo(2);
	}

	@Test
	void failedMintWithoutATokenFailsTheCallWithTheCause() {
		this.cache = cache(Duration.ofMinutes(5));
		this.minter.failure = new IOException("metadata server said 503");
		assertThatExceptionOfType(IdTokenUnavailableException.class)
			.isThrownBy(() -> this.cache.token("https://a.example"))
			.satisfies((ex) -> {
				assertThat(ex.getAudience()).isEqualTo("https://a.example");
				assertThat(ex.getCredentials()).isEqualTo("fake credentials");
				assertThat(ex.getMessage()).contains("https://a.example", "fake credentials",
						"metadata server said 503");
				assertThat(ex.getCause()).isSameAs(this.minter.failure);
			});
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void aTokenQuotedInAMintFailureIsNeitherLoggedNorPassedOn(CapturedOutput output) {
		String token = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2EuZXhhbXBsZSJ9.c2lnbmF0dXJlLXZhbHVl";
		this.cache = cache(Duration.ofMinutes(5));
		this.minter.failure = new IOException("unexpected response from https://a.example: {\"id_token\":\"" + token
				+ "\"} and " + token.substring(0, 60));
		assertThatExceptionOfType(IdTokenUnavailableException.class)
			.isThrownBy(() -> this.cache.token("https://a.example"))
			.satisfies((ex) -> assertThat(ex.getMessage())
				.contains("unexpected response from https://a.example", "[token removed]")
				.doesNotContain("eyJhbGciOiJSUzI1NiJ9"));
		assertThat(this.cache.status("https://a.example").lastFailure()).contains("[token removed]")
			.doesNotContain("eyJhbGciOiJSUzI1NiJ9");
		// logged on the mint thread
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(output.getAll())
				.contains("Cannot mint ID token for audience 'https://a.example'"));
		assertThat(output.getAll()).doesNotContain("eyJhbGciOiJSUzI1NiJ9").doesNotContain("c2lnbmF0dXJlLXZhbHVl");
	}

	@Test
	void aTokenQuotedInAMintFailureReachesNoObservation() {
		String token = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2EuZXhhbXBsZSJ9.c2lnbmF0dXJlLXZhbHVl";
		List<Observation.Context> stopped = new CopyOnWriteArrayList<>();
		this.cache = observedCache(new ObservationHandler<>() {

			@Override
			public void onStop(Observation.Context context) {
				stopped.add(context);
			}

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

		});
		this.minter.failure = new IOException("unexpected response: {\"id_token\":\"" + token + "\"}");
		assertThatExceptionOfType(IdTokenUnavailableException.class)
			.isThrownBy(() -> this.cache.token("https://a.example"));
		assertThat(stopped).singleElement().satisfies((context) -> {
			assertThat(context.getName()).isEqualTo("cloudrun.auth.token.mints");
			assertThat(context.getLowCardinalityKeyValues()).contains(KeyValue.of("outcome", "failure"),
					KeyValue.of("target", "none"));
			assertThat(context.getError()).hasMessageContaining("unexpected response", "[token removed]").hasNoCause();
			// what a handler that logs or exports the observation could print
			assertThat(context.toString() + context.getError()).doesNotContain("eyJhbGciOiJSUzI1NiJ9")
				.doesNotContain("c2lnbmF0dXJlLXZhbHVl");
		});
	}

	@Test
	void anObservationHandlerThatFailsWhenAMintEndsFailsNoCall() {
		this.cache = observedCache(new FailingHandler(false));
		assertThat(this.cache.token("https://a.example")).startsWith("token-");
		this.minter.failure = new IOException("refused");
		assertThatExceptionOfType(IdTokenUnavailableException.class)
			.isThrownBy(() -> this.cache.token("https://b.example"))
			.withMessageContaining("refused");
		this.minter.failure = null;
		assertThat(this.cache.token("https://a.example")).startsWith("token-");
	}

	@Test
	void anObservationHandlerThatFailsWhenAMintStartsFailsNoCall() {
		this.cache = observedCache(new FailingHandler(true));
		assertThat(this.cache.token("https://a.example")).startsWith("token-");
	}

	@Test
	void withinTheBackoffAfterAFailureCallsFailFastWithoutMinting() {
		this.cache = cache(Duration.ofMinutes(5), Duration.ofSeconds(30));
		this.minter.failure = new IOException("refused");
		assertThatExceptionOfType(IdTokenUnavailableException.class)
			.isThrownBy(() -> this.cache.token("https://a.example"));
		this.minter.failure = null;
		long start = System.nanoTime();
		assertThatExceptionOfType(IdTokenUnavailableException.class)
			.isThrownBy(() -> this.cache.token("https://a.example"))
			.withMessageContaining("next attempt in")
			.withMessageContaining("refused");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		assertThat(this.minter.attempts.get()).isEqualTo(1);
	}

	@Test
	void afterTheBackoffTheNextCallMintsAgain() {
		this.cache = cache(Duration.ofMinutes(5), Duration.ofMillis(200));
		this.minter.failure = new IOException("refused");
		assertThatExceptionOfType(IdTokenUnavailableException.class)
			.isThrownBy(() -> this.cache.token("https://a.example"));
		this.minter.failure = null;
		await().atMost(Duration.ofSeconds(5))
			.ignoreException(IdTokenUnavailableException.class)
			.until(() -> this.cache.token("https://a.example") != null);
		assertThat(this.minter.mints("https://a.example")).isEqualTo(1);
	}

	@Test
	void failedBackgroundRefreshIsRetriedWhileTheCurrentTokenServesCalls() {
		this.minter.lifetime = Duration.ofSeconds(4);
		this.cache = cache(Duration.ofSeconds(3), Duration.ofMillis(200));
		String first = this.cache.token("https://a.example");
		this.minter.failure = new IOException("503");
		this.cache.token("https://a.example");
		await().atMost(Duration.ofSeconds(5)).until(() -> this.minter.attempts.get() >= 3);
		assertThat(this.cache.token("https://a.example")).isEqualTo(first);
		this.minter.failure = null;
		await().atMost(Duration.ofSeconds(5)).until(() -> this.minter.mints("https://a.example") == 2);
		assertThat(this.cache.token("https://a.example")).isNotEqualTo(first);
		assertThat(this.cache.statistics().misses.sum()).isEqualTo(1);
	}

	@Test
	void callWaitsNoLongerThanTheTimeout() {
		this.cache = new IdTokenCache(this.minter, Clock.systemUTC(), Duration.ofMinutes(5), Duration.ofMillis(300),
				100, Duration.ofSeconds(1), Duration.ofSeconds(30));
		this.minter.delay = Duration.ofSeconds(3);
		long start = System.nanoTime();
		assertThatExceptionOfType(IdTokenUnavailableException.class)
			.isThrownBy(() -> this.cache.token("https://a.example"))
			.withMessageContaining("timed out after 300 ms");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
	}

	@Test
	void asyncCallDoesNotBlockTheCallerAndCompletesWhenMinted() throws Exception {
		this.cache = cache(Duration.ofMinutes(5));
		CountDownLatch release = new CountDownLatch(1);
		this.minter.gate = release;
		CompletableFuture<String> token = this.cache.tokenAsync("https://a.example");
		assertThat(token).isNotDone();
		release.countDown();
		assertThat(token.get(5, TimeUnit.SECONDS)).startsWith("token-");
		assertThat(this.cache.tokenAsync("https://a.example")).isCompletedWithValue(token.get());
	}

	@Test
	void asyncTimeoutOfOneCallerDoesNotFailTheMintForOthers() throws Exception {
		this.cache = new IdTokenCache(this.minter, Clock.systemUTC(), Duration.ofMinutes(5), Duration.ofMillis(200),
				100, Duration.ofSeconds(1), Duration.ofSeconds(30));
		CountDownLatch release = new CountDownLatch(1);
		this.minter.gate = release;
		CompletableFuture<String> first = this.cache.tokenAsync("https://a.example");
		assertThat(first).failsWithin(Duration.ofSeconds(5))
			.withThrowableThat()
			.havingCause()
			.isInstanceOf(IdTokenUnavailableException.class);
		release.countDown();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.minter.mints("https://a.example") == 1);
		assertThat(this.cache.token("https://a.example")).startsWith("token-");
		assertThat(this.minter.attempts.get()).isEqualTo(1);
	}

	@Test
	void numberOfCachedAudiencesIsBounded() {
		this.cache = new IdTokenCache(this.minter, Clock.systemUTC(), Duration.ofMinutes(5), Duration.ofSeconds(5), 3,
				Duration.ofSeconds(1), Duration.ofSeconds(30));
		for (int i = 0; i < 10; i++) {
			this.cache.token("https://" + i + ".example");
		}
		assertThat(this.cache.size()).isEqualTo(3);
		assertThat(this.cache.evictions()).isEqualTo(7);
	}

	@Test
	void evictingAnAudienceDropsItsScheduledRefresh() {
		this.cache = new IdTokenCache(this.minter, Clock.systemUTC(), Duration.ofMinutes(5), Duration.ofSeconds(5), 3,
				Duration.ofSeconds(1), Duration.ofSeconds(30));
		for (int i = 0; i < 50; i++) {
			this.cache.token("https://" + i + ".example");
		}
		assertThat(this.cache.size()).isEqualTo(3);
		// a refresh is scheduled when its mint completes, which may be just after the
		// token was handed out
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.cache.scheduledRefreshes()).isEqualTo(3));
	}

	/**
	 * Caffeine enforces the bound as it evicts, which can lag inserts by other threads:
	 * what it promises, and what is checked here, is that once pending evictions are done
	 * ({@code size()} runs them) at most {@code maxAudiences} audiences are held and only
	 * their refreshes stay queued.
	 */
	@Test
	void boundHoldsWhenManyThreadsAddAudiencesAtOnce() throws Exception {
		this.cache = new IdTokenCache(this.minter, Clock.systemUTC(), Duration.ofMinutes(5), Duration.ofSeconds(5), 20,
				Duration.ofSeconds(1), Duration.ofSeconds(30));
		int threads = 8;
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				futures.add(executor.submit(() -> {
					start.await();
					for (int i = 0; i < 200; i++) {
						this.cache.token("https://" + thread + "-" + i + ".example");
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(this.cache.size()).isEqualTo(20);
		assertThat(this.cache.evictions()).isEqualTo(threads * 200 - 20);
		// a mint schedules its refresh just after handing out the token, so the last ones
		// may still be on their way
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.cache.scheduledRefreshes()).isEqualTo(20));
	}

	private IdTokenCache observedCache(ObservationHandler<Observation.Context> handler) {
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(handler);
		return new IdTokenCache(this.minter, Clock.systemUTC(), Duration.ofMinutes(5), Duration.ofSeconds(5), 100,
				Duration.ofSeconds(1), Duration.ofSeconds(30),
				new IdTokenMintObservations(registry, new CallingTargets(List.of())));
	}

	private IdTokenCache cache(Duration refreshBeforeExpiry) {
		return cache(refreshBeforeExpiry, Duration.ofSeconds(1));
	}

	private IdTokenCache cache(Duration refreshBeforeExpiry, Duration initialBackoff) {
		return new IdTokenCache(this.minter, Clock.systemUTC(), refreshBeforeExpiry, Duration.ofSeconds(5), 100,
				initialBackoff, initialBackoff.multipliedBy(4));
	}

	static final class FailingHandler implements ObservationHandler<Observation.Context> {

		private final boolean onStart;

		FailingHandler(boolean onStart) {
			this.onStart = onStart;
		}

		@Override
		public void onStart(Observation.Context context) {
			if (this.onStart) {
				throw new IllegalStateException("handler failed on start");
			}
		}

		@Override
		public void onError(Observation.Context context) {
			throw new IllegalStateException("handler failed on error");
		}

		@Override
		public void onStop(Observation.Context context) {
			throw new IllegalStateException("handler failed on stop");
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return true;
		}

	}

	static final class MutableClock extends Clock {

		private volatile Instant now;

		MutableClock(Instant now) {
			this.now = now;
		}

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public Instant instant() {
			return this.now;
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

	}

	static final class FakeMinter implements IdTokenMinter {

		final Map<String, AtomicInteger> mints = new ConcurrentHashMap<>();

		final Map<String, AtomicInteger> concurrent = new ConcurrentHashMap<>();

		final AtomicInteger maxConcurrentMintsPerAudience = new AtomicInteger();

		final AtomicInteger attempts = new AtomicInteger();

		final AtomicInteger serial = new AtomicInteger();

		volatile Duration lifetime = Duration.ofHours(1);

		volatile Duration delay = Duration.ZERO;

		volatile Instant fixedExpiry;

		volatile IOException failure;

		volatile CountDownLatch gate;

		@Override
		public MintedIdToken mint(String audience) throws IOException {
			this.attempts.incrementAndGet();
			AtomicInteger running = this.concurrent.computeIfAbsent(audience, (key) -> new AtomicInteger());
			this.maxConcurrentMintsPerAudience.accumulateAndGet(running.incrementAndGet(), Math::max);
			try {
				if (this.gate != null) {
					this.gate.await(10, TimeUnit.SECONDS);
				}
				Thread.sleep(this.delay.toMillis());
				if (this.failure != null) {
					throw this.failure;
				}
				this.mints.computeIfAbsent(audience, (key) -> new AtomicInteger()).incrementAndGet();
				Instant expiry = (this.fixedExpiry != null) ? this.fixedExpiry : Instant.now().plus(this.lifetime);
				return new MintedIdToken("token-" + this.serial.incrementAndGet(), expiry);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IOException(ex);
			}
			finally {
				running.decrementAndGet();
			}
		}

		int mints(String audience) {
			AtomicInteger count = this.mints.get(audience);
			return (count != null) ? count.get() : 0;
		}

		@Override
		public String describeCredentials() {
			return "fake credentials";
		}

	}

}
