package dev.cloudrunauth.calling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Caches minted ID tokens per audience. Once a token exists, requests read it without locks or waiting: the next one
 * is minted in the background {@code refreshBeforeExpiry} ahead of expiry, as long as the audience is in use. At most
 * one mint per audience runs at a time, however many threads ask. A token is never handed out within
 * {@link #EXPIRY_MARGIN} of its expiry. After a failed mint, minting is retried with exponential backoff while the
 * current token is valid; without a valid token, requests fail fast until the backoff has passed.
 */
final class IdTokenCache implements AutoCloseable {

	/**
	 * Tokens are not handed out this close to their expiry (or a tenth of their lifetime if that is less), so that
	 * they do not expire on the way.
	 */
	static final Duration EXPIRY_MARGIN = Duration.ofSeconds(5);

	private static final Log logger = LogFactory.getLog(IdTokenCache.class);

	private final IdTokenMinter minter;

	private final Clock clock;

	private final long refreshBeforeExpiry;

	private final Duration timeout;

	/**
	 * A JWS: a header that starts with the base64url of <code>{"</code>, then claims and a signature (or what is left
	 * of them); host names and URLs do not look like this.
	 */
	private static final Pattern JWT_SHAPED = Pattern.compile("eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]*)?");

	private final int maxAudiences;

	private final long initialBackoff;

	private final long maxBackoff;

	private final Map<String, Entry> entries = new ConcurrentHashMap<>();

	private final ExecutorService mints;

	private final ScheduledThreadPoolExecutor scheduler;

	private final Statistics statistics = new Statistics();

	private final IdTokenMintListener listener;

	IdTokenCache(IdTokenMinter minter, Clock clock, Duration refreshBeforeExpiry, Duration timeout, int maxAudiences,
			Duration initialBackoff, Duration maxBackoff) {
		this(minter, clock, refreshBeforeExpiry, timeout, maxAudiences, initialBackoff, maxBackoff,
				(audience, duration, failure) -> {
				});
	}

	IdTokenCache(IdTokenMinter minter, Clock clock, Duration refreshBeforeExpiry, Duration timeout, int maxAudiences,
			Duration initialBackoff, Duration maxBackoff, IdTokenMintListener listener) {
		this.listener = listener;
		this.minter = minter;
		this.clock = clock;
		this.refreshBeforeExpiry = refreshBeforeExpiry.toMillis();
		this.timeout = timeout;
		this.maxAudiences = maxAudiences;
		this.initialBackoff = initialBackoff.toMillis();
		this.maxBackoff = maxBackoff.toMillis();
		this.mints = Executors.newCachedThreadPool(daemonThreads("cloudrun-auth-mint-"));
		this.scheduler = new ScheduledThreadPoolExecutor(1, daemonThreads("cloudrun-auth-refresh-"));
		// an evicted audience's refresh is cancelled; without this its task would stay queued until it is due
		this.scheduler.setRemoveOnCancelPolicy(true);
	}

	String token(String audience) {
		Entry entry = entry(audience);
		long now = this.clock.millis();
		CachedIdToken token = entry.token;
		if (token != null && now < token.refreshAt) {
			entry.markUsed(now);
			this.statistics.hits.increment();
			return token.value;
		}
		return slowPath(entry, token, now);
	}

	private String slowPath(Entry entry, @Nullable CachedIdToken token, long now) {
		entry.markUsed(now);
		if (token != null && now < token.usableUntil) {
			this.statistics.hits.increment();
			refreshInBackground(entry, now);
			return token.value;
		}
		this.statistics.misses.increment();
		return await(entry, mintNow(entry, now));
	}

	CompletableFuture<String> tokenAsync(String audience) {
		Entry entry = entry(audience);
		long now = this.clock.millis();
		entry.markUsed(now);
		CachedIdToken token = entry.token;
		if (token != null && now < token.usableUntil) {
			this.statistics.hits.increment();
			if (now >= token.refreshAt) {
				refreshInBackground(entry, now);
			}
			return CompletableFuture.completedFuture(token.value);
		}
		this.statistics.misses.increment();
		CompletableFuture<String> result = new CompletableFuture<>();
		mintNow(entry, now).copy()
			.orTimeout(this.timeout.toMillis(), TimeUnit.MILLISECONDS)
			.whenComplete((minted, failure) -> {
				if (failure == null) {
					result.complete(minted.value);
				}
				else {
					result.completeExceptionally(unavailable(entry, unwrap(failure)));
				}
			});
		return result;
	}

	Statistics statistics() {
		return this.statistics;
	}

	String credentialsDescription() {
		return this.minter.describeCredentials();
	}

	IdTokenStatus status(String audience) {
		Entry entry = this.entries.get(audience);
		if (entry == null) {
			return IdTokenStatus.none(audience);
		}
		CachedIdToken token = entry.token;
		Failure failure = entry.failure;
		boolean valid = token != null && this.clock.millis() < token.usableUntil;
		return new IdTokenStatus(audience, valid, (token != null) ? Instant.ofEpochMilli(token.expiresAt) : null,
				(failure != null) ? failure.message() : null,
				(failure != null) ? Instant.ofEpochMilli(failure.at) : null);
	}

	int size() {
		return this.entries.size();
	}

	int scheduledRefreshes() {
		return this.scheduler.getQueue().size();
	}

	@Override
	public void close() {
		this.scheduler.shutdownNow();
		this.mints.shutdownNow();
	}

	private Entry entry(String audience) {
		Entry entry = this.entries.get(audience);
		if (entry != null) {
			return entry;
		}
		entry = this.entries.computeIfAbsent(audience, Entry::new);
		// concurrent first calls may each have added an entry before any of them evicted: evict until bounded
		boolean evicted = true;
		while (evicted && this.entries.size() > this.maxAudiences) {
			evicted = evictLeastRecentlyUsed(entry);
		}
		return entry;
	}

	private boolean evictLeastRecentlyUsed(Entry keep) {
		Entry oldest = null;
		for (Entry candidate : this.entries.values()) {
			if (candidate != keep && (oldest == null || candidate.lastUsedSecond < oldest.lastUsedSecond)) {
				oldest = candidate;
			}
		}
		if (oldest == null) {
			return false;
		}
		if (this.entries.remove(oldest.audience, oldest)) {
			oldest.cancelScheduled();
			this.statistics.evictions.increment();
		}
		return true;
	}

	private String await(Entry entry, CompletableFuture<CachedIdToken> mint) {
		try {
			return mint.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS).value;
		}
		catch (TimeoutException ex) {
			throw unavailable(entry, ex);
		}
		catch (ExecutionException ex) {
			throw unavailable(entry, unwrap(ex));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw unavailable(entry, ex);
		}
	}

	private CompletableFuture<CachedIdToken> mintNow(Entry entry, long now) {
		Failure failure = entry.failure;
		if (failure != null && now < failure.nextAttemptAt) {
			CompletableFuture<CachedIdToken> inFlight = entry.inFlight.get();
			return (inFlight != null) ? inFlight : CompletableFuture.failedFuture(new RetryLaterException(failure,
					now));
		}
		return startMint(entry);
	}

	private void refreshInBackground(Entry entry, long now) {
		Failure failure = entry.failure;
		if (failure == null || now >= failure.nextAttemptAt) {
			startMint(entry);
		}
	}

	private CompletableFuture<CachedIdToken> startMint(Entry entry) {
		while (true) {
			CompletableFuture<CachedIdToken> inFlight = entry.inFlight.get();
			if (inFlight != null) {
				return inFlight;
			}
			CompletableFuture<CachedIdToken> mint = new CompletableFuture<>();
			if (entry.inFlight.compareAndSet(null, mint)) {
				CachedIdToken current = entry.token;
				if (current != null && this.clock.millis() < current.refreshAt) {
					entry.inFlight.compareAndSet(mint, null);
					mint.complete(current);
					return mint;
				}
				try {
					this.mints.execute(() -> mint(entry, mint));
				}
				catch (RuntimeException ex) {
					entry.inFlight.compareAndSet(mint, null);
					mint.completeExceptionally(ex);
				}
				return mint;
			}
		}
	}

	private void mint(Entry entry, CompletableFuture<CachedIdToken> mint) {
		entry.used = false;
		long started = this.clock.millis();
		try {
			MintedIdToken minted = this.minter.mint(entry.audience);
			CachedIdToken token = cache(minted, started);
			if (token.usableUntil <= this.clock.millis()) {
				throw new java.io.IOException("the minted token expires at " + minted.expiresAt()
						+ ", which is already past by this machine's clock; check the clock");
			}
			entry.token = token;
			entry.failure = null;
			this.statistics.mints.increment();
			notify(entry.audience, started, null);
			entry.inFlight.compareAndSet(mint, null);
			mint.complete(token);
			if (logger.isDebugEnabled()) {
				logger.debug("Minted ID token for audience '" + entry.audience + "', valid until " + minted.expiresAt());
			}
			schedule(entry, token.refreshAt - this.clock.millis(), () -> refreshIfUsed(entry));
		}
		catch (Exception | LinkageError ex) {
			Failure previous = entry.failure;
			long failedAt = this.clock.millis();
			int consecutive = (previous != null) ? previous.consecutive + 1 : 1;
			Failure failure = new Failure(ex, consecutive, failedAt, failedAt + backoff(consecutive));
			entry.failure = failure;
			this.statistics.failures.increment();
			notify(entry.audience, started, ex);
			// logged before the callers waiting for this mint are told, so that what they report follows the log
			logger.warn("Cannot mint ID token for audience '" + entry.audience + "' from "
					+ this.minter.describeCredentials() + " (attempt " + failure.consecutive + "): " + failure.message());
			entry.inFlight.compareAndSet(mint, null);
			mint.completeExceptionally(ex);
			CachedIdToken current = entry.token;
			if (current != null && failure.nextAttemptAt < current.usableUntil) {
				schedule(entry, failure.nextAttemptAt - this.clock.millis(), () -> startMint(entry));
			}
		}
	}

	private void notify(String audience, long started, @Nullable Throwable failure) {
		try {
			this.listener.minted(audience, Duration.ofMillis(this.clock.millis() - started), failure);
		}
		catch (RuntimeException ex) {
			logger.debug("ID token mint listener failed", ex);
		}
	}

	private void refreshIfUsed(Entry entry) {
		if (entry.used && this.entries.get(entry.audience) == entry) {
			startMint(entry);
		}
	}

	private void schedule(Entry entry, long delayMillis, Runnable task) {
		synchronized (entry) {
			entry.cancelScheduled();
			if (this.entries.get(entry.audience) == entry && !this.scheduler.isShutdown()) {
				entry.scheduled = this.scheduler.schedule(task, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
			}
		}
	}

	private CachedIdToken cache(MintedIdToken minted, long mintStartedAt) {
		long expiresAt = minted.expiresAt().toEpochMilli();
		long lifetime = Math.max(expiresAt - mintStartedAt, 1);
		long refreshAt = expiresAt - Math.min(this.refreshBeforeExpiry, lifetime / 2);
		long usableUntil = expiresAt - Math.min(EXPIRY_MARGIN.toMillis(), lifetime / 10);
		return new CachedIdToken(minted.value(), expiresAt, refreshAt, usableUntil);
	}

	private long backoff(int consecutiveFailures) {
		long delay = this.initialBackoff << Math.min(consecutiveFailures - 1, 20);
		delay = Math.min(Math.max(delay, 0), this.maxBackoff);
		return (long) (delay * ThreadLocalRandom.current().nextDouble(0.8, 1.2));
	}

	private IdTokenUnavailableException unavailable(Entry entry, Throwable cause) {
		if (cause instanceof IdTokenUnavailableException unavailable) {
			return unavailable;
		}
		String reason;
		if (cause instanceof TimeoutException) {
			reason = "timed out after " + this.timeout.toMillis() + " ms waiting for the token to be minted";
		}
		else if (cause instanceof InterruptedException) {
			reason = "interrupted while waiting for the token to be minted";
		}
		else if (cause instanceof RetryLaterException retry) {
			reason = retry.getMessage();
			cause = retry.getCause();
		}
		else {
			reason = safeMessage(cause);
		}
		return new IdTokenUnavailableException(entry.audience, this.minter.describeCredentials(), reason, cause);
	}

	private static Throwable unwrap(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof ExecutionException || cause instanceof java.util.concurrent.CompletionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	private static ThreadFactory daemonThreads(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/**
	 * Counters of the cache's work.
	 */
	static final class Statistics {

		final LongAdder hits = new LongAdder();

		final LongAdder misses = new LongAdder();

		final LongAdder mints = new LongAdder();

		final LongAdder failures = new LongAdder();

		final LongAdder evictions = new LongAdder();

	}

	private static final class Entry {

		private final String audience;

		private final AtomicReference<@Nullable CompletableFuture<CachedIdToken>> inFlight = new AtomicReference<>();

		private volatile @Nullable CachedIdToken token;

		private volatile @Nullable Failure failure;

		private volatile boolean used;

		private volatile long lastUsedSecond;

		private @Nullable ScheduledFuture<?> scheduled;

		Entry(String audience) {
			this.audience = audience;
		}

		void markUsed(long now) {
			if (!this.used) {
				this.used = true;
			}
			long second = now / 1000;
			if (this.lastUsedSecond != second) {
				this.lastUsedSecond = second;
			}
		}

		synchronized void cancelScheduled() {
			if (this.scheduled != null) {
				this.scheduled.cancel(false);
				this.scheduled = null;
			}
		}

	}

	private static final class CachedIdToken {

		private final String value;

		private final long expiresAt;

		private final long refreshAt;

		private final long usableUntil;

		CachedIdToken(String value, long expiresAt, long refreshAt, long usableUntil) {
			this.value = value;
			this.expiresAt = expiresAt;
			this.refreshAt = refreshAt;
			this.usableUntil = usableUntil;
		}

	}

	/**
	 * The message of a failure to mint, with anything shaped like a JWT cut out: a credential library's message might
	 * quote a response, and it ends up in logs, in health details and in exception messages.
	 */
	static String safeMessage(Throwable failure) {
		String message = String.valueOf(failure.getMessage());
		return JWT_SHAPED.matcher(message).replaceAll("[token removed]");
	}

	private record Failure(Throwable cause, int consecutive, long at, long nextAttemptAt) {

		String message() {
			return safeMessage(this.cause);
		}

	}

	private static final class RetryLaterException extends Exception {

		RetryLaterException(Failure failure, long now) {
			super("the last attempt failed (" + failure.message() + "); next attempt in "
					+ Math.max(1, (failure.nextAttemptAt - now + 999) / 1000) + " s", failure.cause);
		}

	}

}
