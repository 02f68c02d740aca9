package dev.cloudrunauth.receiving;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.util.Assert;

/**
 * Google's signing keys, fetched from a JWK Set URI and cached as long as its {@code Cache-Control: max-age} says,
 * then refetched in the background before they go stale. Nothing blocks on a fetch except a request whose key is not
 * known: it waits for the fetch under way, or starts one unless a fetch caused by an unknown {@code kid} began within
 * {@code refetchInterval}, so that forged key ids cause at most one fetch per interval while a key published just
 * after a scheduled fetch or a retry is found at once. When the endpoint fails, the keys already known stay in use.
 */
final class SigningKeyCache implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(SigningKeyCache.class);

	private static final Duration DEFAULT_MAX_AGE = Duration.ofHours(1);

	private static final Duration MIN_MAX_AGE = Duration.ofSeconds(5);

	private static final Duration MAX_MAX_AGE = Duration.ofDays(1);

	private static final Duration MAX_RETRY_DELAY = Duration.ofMinutes(1);

	private static final Duration MIN_REFETCH_INTERVAL = Duration.ofSeconds(1);

	private final URI jwkSetUri;

	private final Duration refetchInterval;

	private final Duration timeout;

	private final Clock clock;

	private final ExecutorService httpExecutor;

	private final ScheduledExecutorService scheduler;

	private volatile @Nullable HttpClient http;

	private final AtomicReference<@Nullable Fetch> inFlight = new AtomicReference<>();

	private final LongAdder fetches = new LongAdder();

	private final LongAdder failedFetches = new LongAdder();

	private final LongAdder successfulFetches = new LongAdder();

	private volatile Keys keys = Keys.NONE;

	private volatile long lastUnknownKeyFetchAt = Long.MIN_VALUE / 2;

	private volatile int consecutiveFailures;

	private volatile @Nullable String lastError;

	private @Nullable ScheduledFuture<?> scheduled;

	/**
	 * Create a cache; call {@link #start()} to fetch the keys in the background.
	 * @param jwkSetUri where the keys are published
	 * @param refetchInterval minimum time between two fetches caused by unknown key ids, at least one second
	 * @param timeout how long a fetch may take
	 * @param clock the clock
	 */
	public SigningKeyCache(URI jwkSetUri, Duration refetchInterval, Duration timeout, Clock clock) {
		Assert.notNull(jwkSetUri, "jwkSetUri cannot be null");
		Assert.isTrue(refetchInterval.compareTo(MIN_REFETCH_INTERVAL) >= 0, "refetchInterval must be at least 1s");
		Assert.isTrue(timeout.toMillis() > 0, "timeout must be positive");
		this.jwkSetUri = jwkSetUri;
		this.refetchInterval = refetchInterval;
		this.timeout = timeout;
		this.clock = clock;
		this.httpExecutor = Executors.newCachedThreadPool(daemon("cloudrun-auth-jwks-"));
		this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("cloudrun-auth-jwks-refresh-"));
	}

	/**
	 * Fetch the keys in the background. Even the HTTP client is created there, so that starting costs the caller
	 * nothing.
	 */
	public void start() {
		schedule(0);
	}

	/**
	 * Return a known key without waiting.
	 * @param keyId the key id
	 * @return the key, or {@code null} if it is not known
	 */
	public @Nullable RSAPublicKey cachedKey(String keyId) {
		return this.keys.byId.get(keyId);
	}

	/**
	 * Return a key. If it is not known, wait for the fetch under way, or start one unless a fetch caused by an unknown
	 * key id began within the refetch interval.
	 * @param keyId the key id
	 * @return a future of the key, empty if it is still unknown
	 */
	public CompletableFuture<Optional<RSAPublicKey>> key(String keyId) {
		RSAPublicKey key = cachedKey(keyId);
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

	private CompletableFuture<Optional<RSAPublicKey>> afterFetchForUnknownKey(String keyId, long missedAt) {
		// a fetch that completed since the key was missed published its keys before it cleared inFlight
		RSAPublicKey key = cachedKey(keyId);
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
	public boolean keysLoaded() {
		return this.keys.loaded();
	}

	/**
	 * Return the number of keys known.
	 * @return the number of keys
	 */
	public int keyCount() {
		return this.keys.byId.size();
	}

	/**
	 * Return when the keys were last fetched successfully.
	 * @return the time, or {@code null} if never
	 */
	public @Nullable Instant lastFetched() {
		Keys keys = this.keys;
		return keys.loaded() ? Instant.ofEpochMilli(keys.fetchedAt) : null;
	}

	/**
	 * Return the error of the last fetch, if it failed.
	 * @return the error message, or {@code null} if the last fetch succeeded
	 */
	public @Nullable String lastError() {
		return this.lastError;
	}

	/**
	 * Return how many fetches were attempted.
	 * @return the count
	 */
	public long fetches() {
		return this.fetches.sum();
	}

	/**
	 * Return how many fetches failed.
	 * @return the count
	 */
	public long failedFetches() {
		return this.failedFetches.sum();
	}

	/**
	 * Return how many fetches succeeded.
	 * @return the count
	 */
	public long successfulFetches() {
		return this.successfulFetches.sum();
	}

	/**
	 * Return the JWK Set URI.
	 * @return the URI
	 */
	public URI jwkSetUri() {
		return this.jwkSetUri;
	}

	@Override
	public void close() {
		this.scheduler.shutdownNow();
		this.httpExecutor.shutdownNow();
	}

	/**
	 * Join the fetch under way or start one; one for an unknown key id starts only if none began within the refetch
	 * interval.
	 * @return the fetch, or {@code null} if an unknown key id may not start one now
	 */
	private @Nullable Fetch fetch(boolean forUnknownKey, long now) {
		while (true) {
			Fetch running = this.inFlight.get();
			if (running != null) {
				return running;
			}
			if (forUnknownKey && now - this.lastUnknownKeyFetchAt < this.refetchInterval.toMillis()) {
				return null;
			}
			Fetch fetch = new Fetch(new CompletableFuture<>(), forUnknownKey);
			if (this.inFlight.compareAndSet(null, fetch)) {
				if (forUnknownKey) {
					this.lastUnknownKeyFetchAt = now;
				}
				this.fetches.increment();
				send().whenComplete((keys, failure) -> complete(fetch, keys, failure));
				return fetch;
			}
		}
	}

	private CompletableFuture<Keys> send() {
		try {
			HttpRequest request = HttpRequest.newBuilder(this.jwkSetUri)
				.timeout(this.timeout)
				.header("Accept", "application/json")
				.GET()
				.build();
			return http().sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(this::parse);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	private HttpClient http() {
		HttpClient http = this.http;
		if (http == null) {
			synchronized (this) {
				http = this.http;
				if (http == null) {
					http = HttpClient.newBuilder()
						.connectTimeout(this.timeout)
						.followRedirects(HttpClient.Redirect.NEVER)
						.executor(this.httpExecutor)
						.build();
					this.http = http;
				}
			}
		}
		return http;
	}

	private Keys parse(HttpResponse<String> response) {
		if (response.statusCode() != 200) {
			throw new IllegalStateException("HTTP " + response.statusCode() + " from " + this.jwkSetUri);
		}
		JWKSet set;
		try {
			set = JWKSet.parse(response.body());
		}
		catch (java.text.ParseException ex) {
			throw new IllegalStateException("Not a JWK Set: " + ex.getMessage(), ex);
		}
		Map<String, RSAPublicKey> byId = new HashMap<>();
		for (JWK jwk : set.getKeys()) {
			if (jwk instanceof RSAKey rsa && rsa.getKeyID() != null
					&& (rsa.getKeyUse() == null || KeyUse.SIGNATURE.equals(rsa.getKeyUse()))
					&& (rsa.getAlgorithm() == null || JWSAlgorithm.RS256.equals(rsa.getAlgorithm()))) {
				try {
					byId.put(rsa.getKeyID(), sameOrNew(rsa.getKeyID(), rsa.toRSAPublicKey()));
				}
				catch (JOSEException ex) {
					logger.debug("Skipping unusable key " + rsa.getKeyID() + ": " + ex.getMessage());
				}
			}
		}
		long now = this.clock.millis();
		return new Keys(Map.copyOf(byId), now, now + maxAge(response).toMillis());
	}

	/**
	 * The key already known under this id if its material is the same, so that a key's identity lasts across fetches
	 * and what was verified with it can be bound to it: a key published again under the same id with other material
	 * is another key.
	 */
	private RSAPublicKey sameOrNew(String keyId, RSAPublicKey key) {
		RSAPublicKey known = this.keys.byId.get(keyId);
		return (known != null && known.equals(key)) ? known : key;
	}

	private void complete(Fetch fetch, @Nullable Keys fetched, @Nullable Throwable failure) {
		long now = this.clock.millis();
		if (fetched != null) {
			this.successfulFetches.increment();
			Keys previous = this.keys;
			this.keys = fetched;
			this.consecutiveFailures = 0;
			this.lastError = null;
			if (logger.isDebugEnabled() && !previous.byId.keySet().equals(fetched.byId.keySet())) {
				logger.debug("Signing keys from " + this.jwkSetUri + ": " + fetched.byId.keySet());
			}
			long lifetime = fetched.expiresAt - fetched.fetchedAt;
			schedule(fetched.expiresAt - lifetime / 10 - now);
		}
		else {
			this.failedFetches.increment();
			int failures = ++this.consecutiveFailures;
			Throwable cause = (failure != null && failure.getCause() != null) ? failure.getCause() : failure;
			this.lastError = describe(cause);
			long retry = Math.min(MAX_RETRY_DELAY.toMillis(), 1000L << Math.min(failures - 1, 16));
			if (this.scheduler.isShutdown()) {
				// closed while fetching: the failure is the executor refusing work, not the endpoint
				logger.debug("Fetch of signing keys ended by close: " + this.lastError);
			}
			else {
				logger.warn("Cannot fetch signing keys from " + this.jwkSetUri + " (attempt " + failures + "): "
						+ this.lastError + (this.keys.loaded() ? "; the " + this.keys.byId.size()
								+ " keys already known stay in use" : "") + "; retrying in " + retry + " ms");
				schedule(retry);
			}
		}
		this.inFlight.compareAndSet(fetch, null);
		if (fetched != null) {
			fetch.keys().complete(fetched);
		}
		else {
			fetch.keys().completeExceptionally((failure != null) ? failure : new IllegalStateException("fetch failed"));
		}
	}

	private synchronized void schedule(long delayMillis) {
		if (this.scheduled != null) {
			this.scheduled.cancel(false);
		}
		if (!this.scheduler.isShutdown()) {
			this.scheduled = this.scheduler.schedule(() -> fetch(false, this.clock.millis()), Math.max(delayMillis, 0), TimeUnit.MILLISECONDS);
		}
	}

	private static String describe(@Nullable Throwable failure) {
		if (failure == null) {
			return "unknown failure";
		}
		String message = failure.getMessage();
		return (message != null && !message.isBlank()) ? message : failure.getClass().getSimpleName();
	}

	private static Duration maxAge(HttpResponse<?> response) {
		Optional<String> cacheControl = response.headers().firstValue("Cache-Control");
		if (cacheControl.isEmpty()) {
			return DEFAULT_MAX_AGE;
		}
		for (String directive : cacheControl.get().toLowerCase(Locale.ROOT).split(",")) {
			String trimmed = directive.trim();
			if (trimmed.startsWith("max-age=")) {
				try {
					Duration maxAge = Duration.ofSeconds(Long.parseLong(trimmed.substring("max-age=".length())));
					return (maxAge.compareTo(MIN_MAX_AGE) < 0) ? MIN_MAX_AGE
							: (maxAge.compareTo(MAX_MAX_AGE) > 0) ? MAX_MAX_AGE : maxAge;
				}
				catch (NumberFormatException ex) {
					return DEFAULT_MAX_AGE;
				}
			}
		}
		return DEFAULT_MAX_AGE;
	}

	private static ThreadFactory daemon(String prefix) {
		CustomizableThreadFactory threads = new CustomizableThreadFactory(prefix);
		threads.setDaemon(true);
		return threads;
	}

	private record Fetch(CompletableFuture<Keys> keys, boolean forUnknownKey) {
	}

	private record Keys(Map<String, RSAPublicKey> byId, long fetchedAt, long expiresAt) {

		static final Keys NONE = new Keys(Map.of(), 0, 0);

		boolean loaded() {
			return this != NONE;
		}

	}

}
