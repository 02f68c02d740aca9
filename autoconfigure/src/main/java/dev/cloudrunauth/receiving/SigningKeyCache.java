package dev.cloudrunauth.receiving;

import java.net.URI;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import com.nimbusds.jose.JWSAlgorithm;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.util.Assert;

/**
 * Google's signing keys (or IAP's), fetched from a JWK Set URI in the background and
 * refetched before they go stale (see {@link KeyRefreshSchedule}). Nothing blocks on a
 * fetch except a request whose key is not known: it waits for the fetch under way, or
 * starts one if {@link UnknownKeyRefetches} allows, so that forged key ids cause at most
 * one fetch per interval while a key published just after a scheduled fetch or a retry is
 * found at once. When the endpoint fails, the keys already known stay in use.
 * <p>
 * Not Nimbus's {@code JWKSourceBuilder} (10.9): its caches live for a fixed time-to-live
 * set at build time, where Google's keys say how long they last in
 * {@code Cache-Control: max-age}, which its {@code ResourceRetriever} cannot even return
 * (a {@code Resource} has a body and a content type only); its refresh ahead runs only on
 * a fixed schedule or on requests, and an expired cache is reloaded on the request
 * thread; its lookups are blocking, where the reactive decoder must not wait; its rate
 * limit counts every fetch (scheduled ones included) and fails the lookup with an
 * exception rather than finding no key; its retry is one immediate second attempt, not a
 * back-off; and it reads the system clock, so none of this can be tested with a clock of
 * the test's.
 */
final class SigningKeyCache implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(SigningKeyCache.class);

	private final JwkSetFetcher fetcher;

	private final UnknownKeyRefetches unknownKeys;

	private final Duration timeout;

	private final Clock clock;

	private final ExecutorService fetchThreads;

	private final KeyRefreshSchedule schedule;

	private final KeyFetchStatistics statistics = new KeyFetchStatistics();

	private final AtomicReference<@Nullable Fetch> inFlight = new AtomicReference<>();

	private volatile Keys keys = Keys.NONE;

	/**
	 * Create a cache of RS256 keys that fetches with the JDK's HTTP client.
	 * @see #SigningKeyCache(URI, Supplier, ObservationRegistry, JWSAlgorithm, Duration,
	 * Duration, Clock)
	 */
	SigningKeyCache(URI jwkSetUri, Duration refetchInterval, Duration timeout, Clock clock) {
		this(jwkSetUri, JwkSetFetcher.defaultRequestFactory(timeout), ObservationRegistry.NOOP, JWSAlgorithm.RS256,
				refetchInterval, timeout, clock);
	}

	/**
	 * Create a cache; call {@link #start()} to fetch the keys.
	 * @param jwkSetUri where the keys are published
	 * @param requestFactory the request factory of the fetches, called on the first
	 * fetch; it should time out within {@code timeout}
	 * @param observations where fetches are observed
	 * @param algorithm RS256 (Google's ID tokens) or ES256 (IAP's assertions)
	 * @param refetchInterval minimum time between two fetches caused by unknown key ids,
	 * at least one second
	 * @param timeout how long a fetch may take
	 * @param clock the clock
	 */
	SigningKeyCache(URI jwkSetUri, Supplier<ClientHttpRequestFactory> requestFactory, ObservationRegistry observations,
			JWSAlgorithm algorithm, Duration refetchInterval, Duration timeout, Clock clock) {
		Assert.isTrue(timeout != null && timeout.toMillis() > 0, "timeout must be positive");
		Assert.notNull(clock, "clock cannot be null");
		this.unknownKeys = new UnknownKeyRefetches(refetchInterval);
		this.timeout = timeout;
		this.clock = clock;
		CustomizableThreadFactory threads = new CustomizableThreadFactory("cloudrun-auth-jwks-");
		threads.setDaemon(true);
		this.fetchThreads = Executors.newCachedThreadPool(threads);
		this.fetcher = new JwkSetFetcher(jwkSetUri, requestFactory, observations, algorithm);
		this.schedule = new KeyRefreshSchedule(() -> fetch(false, this.clock.millis()));
	}

	/**
	 * Fetch the keys in the background. Even the HTTP client is created there, so that
	 * starting costs the caller nothing.
	 */
	void start() {
		this.schedule.now();
	}

	/**
	 * Return a known key without waiting.
	 * @param keyId the key id
	 * @return the key, or {@code null} if it is not known
	 */
	@Nullable PublicKey cachedKey(String keyId) {
		return this.keys.byId.get(keyId);
	}

	/**
	 * Return a key. If it is not known, wait for the fetch under way, or start one unless
	 * a fetch caused by an unknown key id began within the refetch interval.
	 * @param keyId the key id
	 * @return a future of the key, empty if it is still unknown
	 */
	CompletableFuture<Optional<PublicKey>> key(String keyId) {
		PublicKey key = cachedKey(keyId);
		if (key != null) {
			return CompletableFuture.completedFuture(Optional.of(key));
		}
		long missedAt = this.clock.millis();
		Fetch running = this.inFlight.get();
		if (running == null) {
			return afterFetchForUnknownKey(keyId, missedAt);
		}
		return running.keys().handle((keys, failure) -> cachedKey(keyId)).thenCompose((fetched) -> {
			if (fetched != null || running.forUnknownKey()) {
				return CompletableFuture.completedFuture(Optional.ofNullable(fetched));
			}
			// a scheduled fetch may have begun before the key was published
			return afterFetchForUnknownKey(keyId, this.clock.millis());
		});
	}

	private CompletableFuture<Optional<PublicKey>> afterFetchForUnknownKey(String keyId, long missedAt) {
		// a fetch that completed since the key was missed published its keys before it
		// cleared inFlight
		PublicKey key = cachedKey(keyId);
		if (key != null) {
			return CompletableFuture.completedFuture(Optional.of(key));
		}
		Fetch fetch = fetch(true, missedAt);
		if (fetch == null) {
			return CompletableFuture.completedFuture(Optional.empty());
		}
		return fetch.keys().handle((keys, failure) -> Optional.ofNullable(cachedKey(keyId)));
	}

	/**
	 * Return whether keys have been loaded at least once.
	 * @return {@code true} once a fetch succeeded
	 */
	boolean keysLoaded() {
		return this.keys != Keys.NONE;
	}

	/**
	 * Return the number of keys known.
	 * @return the number of keys
	 */
	int keyCount() {
		return this.keys.byId.size();
	}

	/**
	 * Return what is known of the fetches.
	 * @return the statistics
	 */
	KeyFetchStatistics statistics() {
		return this.statistics;
	}

	long fetches() {
		return this.statistics.fetches();
	}

	long failedFetches() {
		return this.statistics.failedFetches();
	}

	@Nullable String lastError() {
		return this.statistics.lastError();
	}

	URI jwkSetUri() {
		return this.fetcher.jwkSetUri();
	}

	@Override
	public void close() {
		this.schedule.close();
		this.fetchThreads.shutdownNow();
	}

	/**
	 * Join the fetch under way or start one; one for an unknown key id starts only if the
	 * allowance permits.
	 * @return the fetch, or {@code null} if an unknown key id may not start one now
	 */
	private @Nullable Fetch fetch(boolean forUnknownKey, long now) {
		while (true) {
			Fetch running = this.inFlight.get();
			if (running != null) {
				return running;
			}
			if (forUnknownKey && !this.unknownKeys.allowed(now, this.statistics.fetches())) {
				return null;
			}
			Fetch fetch = new Fetch(new CompletableFuture<>(), forUnknownKey);
			if (this.inFlight.compareAndSet(null, fetch)) {
				if (forUnknownKey) {
					this.unknownKeys.used(now, this.statistics.fetches());
				}
				this.statistics.started();
				send(fetch);
				return fetch;
			}
		}
	}

	private void send(Fetch fetch) {
		Map<String, PublicKey> known = this.keys.byId;
		try {
			// a request factory that does not time out must not hold up the only fetch
			// for ever
			CompletableFuture.supplyAsync(() -> fetchNow(known), this.fetchThreads)
				.orTimeout(this.timeout.toMillis(), TimeUnit.MILLISECONDS)
				.whenComplete((keys, failure) -> complete(fetch, keys, failure));
		}
		catch (RejectedExecutionException ex) {
			complete(fetch, null, ex);
		}
	}

	private JwkSetFetcher.Fetched fetchNow(Map<String, PublicKey> known) {
		try {
			return this.fetcher.fetch(known);
		}
		catch (Exception ex) {
			throw new CompletionException(ex);
		}
	}

	private void complete(Fetch fetch, JwkSetFetcher.@Nullable Fetched fetched, @Nullable Throwable failure) {
		if (fetched != null) {
			Keys previous = this.keys;
			this.keys = new Keys(fetched.keys());
			this.statistics.succeeded(Instant.ofEpochMilli(this.clock.millis()));
			if (logger.isDebugEnabled() && !previous.byId.keySet().equals(fetched.keys().keySet())) {
				logger.debug("Signing keys from " + jwkSetUri() + ": " + fetched.keys().keySet());
			}
			this.schedule.succeeded(fetched.cacheControl());
		}
		else {
			int failures = this.statistics.failed(failure, this.timeout);
			String error = this.statistics.lastError();
			if (this.schedule.isClosed()) {
				// closed while fetching: the failure is the executor refusing work, not
				// the endpoint
				logger.debug("Fetch of signing keys ended by close: " + error);
			}
			else {
				Duration retry = this.schedule.failed();
				logger.warn("Cannot fetch signing keys from " + jwkSetUri() + " (attempt " + failures + "): " + error
						+ (keysLoaded() ? "; the " + keyCount() + " keys already known stay in use" : "")
						+ "; retrying in " + retry.toMillis() + " ms");
			}
		}
		this.inFlight.compareAndSet(fetch, null);
		if (fetched != null) {
			fetch.keys().complete(fetched.keys());
		}
		else {
			fetch.keys().completeExceptionally((failure != null) ? failure : new IllegalStateException("fetch failed"));
		}
	}

	private record Fetch(CompletableFuture<Map<String, PublicKey>> keys, boolean forUnknownKey) {
	}

	private record Keys(Map<String, PublicKey> byId) {

		static final Keys NONE = new Keys(Map.of());

	}

}
