package dev.cloudrunauth.calling;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.util.backoff.BackOff;

/**
 * Caches minted ID tokens per audience. Once a token exists, requests read it without locks or waiting: the next one
 * is minted in the background {@code refreshBeforeExpiry} ahead of expiry, as long as the audience is in use. At most
 * one mint per audience runs at a time, however many threads ask. A token is never handed out within
 * {@link CachedIdToken#EXPIRY_MARGIN} of its expiry. After a failed mint, minting is retried with backoff while the
 * current token is valid; without a valid token, requests fail fast until the backoff has passed.
 */
final class IdTokenCache implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(IdTokenCache.class);

	private final IdTokenMinter minter;

	private final Clock clock;

	private final Duration refreshBeforeExpiry;

	private final Duration timeout;

	private final BackOff backOff;

	private final IdTokenMintListener listener;

	private final AudienceEntries entries;

	private final ExecutorService mints;

	private final RefreshScheduler refreshes = new RefreshScheduler();

	private final Statistics statistics = new Statistics();

	IdTokenCache(IdTokenMinter minter, Clock clock, Duration refreshBeforeExpiry, Duration timeout, int maxAudiences,
			Duration initialBackoff, Duration maxBackoff) {
		this(minter, clock, refreshBeforeExpiry, timeout, maxAudiences, initialBackoff, maxBackoff,
				(audience, duration, failure) -> {
				});
	}

	IdTokenCache(IdTokenMinter minter, Clock clock, Duration refreshBeforeExpiry, Duration timeout, int maxAudiences,
			Duration initialBackoff, Duration maxBackoff, IdTokenMintListener listener) {
		this.minter = minter;
		this.clock = clock;
		this.refreshBeforeExpiry = refreshBeforeExpiry;
		this.timeout = timeout;
		this.backOff = MintFailure.backOff(initialBackoff, maxBackoff);
		this.listener = listener;
		this.entries = new AudienceEntries(maxAudiences);
		CustomizableThreadFactory threads = new CustomizableThreadFactory("cloudrun-auth-mint-");
		threads.setDaemon(true);
		this.mints = Executors.newCachedThreadPool(threads);
	}

	String token(String audience) {
		AudienceEntry entry = this.entries.get(audience);
		long now = this.clock.millis();
		entry.markUsed();
		CachedIdToken token = entry.token();
		if (token != null && now < token.usableUntil()) {
			this.statistics.hits.increment();
			if (now >= token.refreshAt()) {
				refreshInBackground(entry, now);
			}
			return token.value();
		}
		this.statistics.misses.increment();
		return await(entry, mintNow(entry, now));
	}

	CompletableFuture<String> tokenAsync(String audience) {
		AudienceEntry entry = this.entries.get(audience);
		long now = this.clock.millis();
		entry.markUsed();
		CachedIdToken token = entry.token();
		if (token != null && now < token.usableUntil()) {
			this.statistics.hits.increment();
			if (now >= token.refreshAt()) {
				refreshInBackground(entry, now);
			}
			return CompletableFuture.completedFuture(token.value());
		}
		this.statistics.misses.increment();
		CompletableFuture<String> result = new CompletableFuture<>();
		mintNow(entry, now).copy()
			.orTimeout(this.timeout.toMillis(), TimeUnit.MILLISECONDS)
			.whenComplete((minted, failure) -> {
				if (failure == null) {
					result.complete(minted.value());
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
		AudienceEntry entry = this.entries.find(audience);
		if (entry == null) {
			return IdTokenStatus.none(audience);
		}
		CachedIdToken token = entry.token();
		MintFailure failure = entry.failure();
		boolean valid = token != null && this.clock.millis() < token.usableUntil();
		return new IdTokenStatus(audience, valid, (token != null) ? Instant.ofEpochMilli(token.expiresAt()) : null,
				(failure != null) ? failure.message() : null,
				(failure != null) ? Instant.ofEpochMilli(failure.at()) : null);
	}

	int size() {
		return this.entries.size();
	}

	long evictions() {
		return this.entries.evictions();
	}

	int scheduledRefreshes() {
		return this.refreshes.queued();
	}

	@Override
	public void close() {
		this.refreshes.close();
		this.mints.shutdownNow();
	}

	private String await(AudienceEntry entry, CompletableFuture<CachedIdToken> mint) {
		try {
			return mint.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS).value();
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

	private CompletableFuture<CachedIdToken> mintNow(AudienceEntry entry, long now) {
		MintFailure failure = entry.failure();
		if (failure != null && !failure.allowsAttemptAt(now)) {
			CompletableFuture<CachedIdToken> inFlight = entry.inFlight().get();
			return (inFlight != null) ? inFlight : CompletableFuture.failedFuture(new IdTokenUnavailableException(
					entry.audience(), this.minter.describeCredentials(), failure.retryLater(now), failure.cause()));
		}
		return startMint(entry);
	}

	private void refreshInBackground(AudienceEntry entry, long now) {
		MintFailure failure = entry.failure();
		if (failure == null || failure.allowsAttemptAt(now)) {
			startMint(entry);
		}
	}

	private CompletableFuture<CachedIdToken> startMint(AudienceEntry entry) {
		while (true) {
			CompletableFuture<CachedIdToken> inFlight = entry.inFlight().get();
			if (inFlight != null) {
				return inFlight;
			}
			CompletableFuture<CachedIdToken> mint = new CompletableFuture<>();
			if (entry.inFlight().compareAndSet(null, mint)) {
				CachedIdToken current = entry.token();
				if (current != null && this.clock.millis() < current.refreshAt()) {
					entry.inFlight().compareAndSet(mint, null);
					mint.complete(current);
					return mint;
				}
				try {
					this.mints.execute(() -> mint(entry, mint));
				}
				catch (RuntimeException ex) {
					entry.inFlight().compareAndSet(mint, null);
					mint.completeExceptionally(ex);
				}
				return mint;
			}
		}
	}

	private void mint(AudienceEntry entry, CompletableFuture<CachedIdToken> mint) {
		entry.clearUsed();
		long started = this.clock.millis();
		try {
			CachedIdToken token = mintUsable(entry.audience(), started);
			entry.minted(token);
			this.statistics.mints.increment();
			notify(entry.audience(), started, null);
			entry.inFlight().compareAndSet(mint, null);
			mint.complete(token);
			if (logger.isDebugEnabled()) {
				logger.debug("Minted ID token for audience '" + entry.audience() + "', valid until "
						+ Instant.ofEpochMilli(token.expiresAt()));
			}
			this.refreshes.schedule(entry, token.refreshAt() - this.clock.millis(), () -> refreshIfUsed(entry));
		}
		catch (Exception | LinkageError ex) {
			MintFailure failure = MintFailure.after(entry.failure(), ex, this.backOff, this.clock.millis());
			entry.failed(failure);
			this.statistics.failures.increment();
			notify(entry.audience(), started, ex);
			// logged before the callers waiting for this mint are told, so that what they report follows the log
			logger.warn("Cannot mint ID token for audience '" + entry.audience() + "' from "
					+ this.minter.describeCredentials() + " (attempt " + failure.consecutive() + "): "
					+ failure.message());
			entry.inFlight().compareAndSet(mint, null);
			mint.completeExceptionally(ex);
			CachedIdToken current = entry.token();
			if (current != null && failure.nextAttemptAt() < current.usableUntil()) {
				this.refreshes.schedule(entry, failure.nextAttemptAt() - this.clock.millis(), () -> startMint(entry));
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

	private CachedIdToken mintUsable(String audience, long started) throws IOException {
		MintedIdToken minted = this.minter.mint(audience);
		CachedIdToken token = CachedIdToken.of(minted, started, this.refreshBeforeExpiry);
		if (token.usableUntil() <= this.clock.millis()) {
			throw new IOException("the minted token expires at " + minted.expiresAt()
					+ ", which is already past by this machine's clock; check the clock");
		}
		return token;
	}

	private void refreshIfUsed(AudienceEntry entry) {
		if (entry.isUsed() && !entry.isRetired()) {
			startMint(entry);
		}
	}

	private IdTokenUnavailableException unavailable(AudienceEntry entry, Throwable cause) {
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
		else {
			reason = FailureMessages.of(cause);
		}
		return new IdTokenUnavailableException(entry.audience(), this.minter.describeCredentials(), reason, cause);
	}

	private static Throwable unwrap(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof ExecutionException || cause instanceof CompletionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	/**
	 * Counters of the cache's work.
	 */
	static final class Statistics {

		final LongAdder hits = new LongAdder();

		final LongAdder misses = new LongAdder();

		final LongAdder mints = new LongAdder();

		final LongAdder failures = new LongAdder();

	}

}
