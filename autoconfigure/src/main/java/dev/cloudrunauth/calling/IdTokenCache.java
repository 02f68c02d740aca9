package dev.cloudrunauth.calling;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.util.backoff.BackOff;

/**
 * Caches minted ID tokens per audience. Once a token exists, requests read it without
 * locks or waiting: the next one is minted in the background {@code refreshBeforeExpiry}
 * ahead of expiry, as long as the audience is in use. At most one mint per audience runs
 * at a time, however many threads ask. A token is never handed out within
 * {@link CachedIdToken#EXPIRY_MARGIN} of its expiry. After a failed mint, minting is
 * retried with backoff while the current token is valid; without a valid token, requests
 * fail fast until the backoff has passed.
 */
final class IdTokenCache implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(IdTokenCache.class);

	private final IdTokenMinter minter;

	private final Clock clock;

	private final Duration refreshBeforeExpiry;

	private final MintWaits waits;

	private final BackOff backOff;

	private final IdTokenMintObservations observations;

	private final AudienceEntries entries;

	private final ExecutorService mints;

	private final RefreshScheduler refreshes = new RefreshScheduler();

	private final Statistics statistics = new Statistics();

	IdTokenCache(IdTokenMinter minter, Clock clock, Duration refreshBeforeExpiry, Duration timeout, int maxAudiences,
			Duration initialBackoff, Duration maxBackoff) {
		this(minter, clock, refreshBeforeExpiry, timeout, maxAudiences, initialBackoff, maxBackoff,
				IdTokenMintObservations.NONE);
	}

	IdTokenCache(IdTokenMinter minter, Clock clock, Duration refreshBeforeExpiry, Duration timeout, int maxAudiences,
			Duration initialBackoff, Duration maxBackoff, IdTokenMintObservations observations) {
		this.minter = minter;
		this.clock = clock;
		this.refreshBeforeExpiry = refreshBeforeExpiry;
		this.waits = new MintWaits(timeout, minter);
		this.backOff = MintFailure.backOff(initialBackoff, maxBackoff);
		this.observations = observations;
		this.entries = new AudienceEntries(maxAudiences);
		CustomizableThreadFactory threads = new CustomizableThreadFactory("cloudrun-auth-mint-");
		threads.setDaemon(true);
		this.mints = Executors.newCachedThreadPool(threads);
	}

	String token(String audience) {
		AudienceEntry entry = this.entries.get(audience);
		long now = this.clock.millis();
		String cached = cached(entry, now);
		return (cached != null) ? cached : this.waits.await(audience, mintNow(entry, now));
	}

	CompletableFuture<String> tokenAsync(String audience) {
		AudienceEntry entry = this.entries.get(audience);
		long now = this.clock.millis();
		String cached = cached(entry, now);
		return (cached != null) ? CompletableFuture.completedFuture(cached)
				: this.waits.async(audience, mintNow(entry, now));
	}

	Statistics statistics() {
		return this.statistics;
	}

	String credentialsDescription() {
		return this.minter.describeCredentials();
	}

	IdTokenStatus status(String audience) {
		AudienceEntry entry = this.entries.find(audience);
		return (entry != null) ? entry.status(this.clock.millis()) : IdTokenStatus.none(audience);
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

	/**
	 * Return the held token if it may be handed out, starting the next mint if it is due;
	 * else count a miss.
	 * @param entry the audience's entry
	 * @param now the time of the call
	 * @return the token, or {@code null} if a mint has to be waited for
	 */
	private @Nullable String cached(AudienceEntry entry, long now) {
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
		return null;
	}

	private CompletableFuture<CachedIdToken> mintNow(AudienceEntry entry, long now) {
		MintFailure failure = entry.failure();
		if (failure != null && !failure.allowsAttemptAt(now)) {
			CompletableFuture<CachedIdToken> inFlight = entry.inFlight().get();
			return (inFlight != null) ? inFlight
					: CompletableFuture.failedFuture(this.waits.retryLater(entry.audience(), failure, now));
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
		IdTokenMintObservations.Mint observed = this.observations.start(entry.audience());
		CachedIdToken token;
		try {
			token = mintUsable(entry.audience());
		}
		catch (Exception | LinkageError ex) {
			failed(entry, mint, ex, observed);
			return;
		}
		entry.minted(token);
		this.statistics.mints.increment();
		// stopped before callers are told, so that a call that got the token finds the
		// mint measured
		observed.succeeded();
		entry.inFlight().compareAndSet(mint, null);
		mint.complete(token);
		if (logger.isDebugEnabled()) {
			logger.debug("Minted ID token for audience '" + entry.audience() + "', valid until "
					+ Instant.ofEpochMilli(token.expiresAt()));
		}
		this.refreshes.schedule(entry, token.refreshAt() - this.clock.millis(), () -> refreshIfUsed(entry));
	}

	private void failed(AudienceEntry entry, CompletableFuture<CachedIdToken> mint, Throwable ex,
			IdTokenMintObservations.Mint observed) {
		MintFailure failure = MintFailure.after(entry.failure(), ex, this.backOff, this.clock.millis());
		entry.failed(failure);
		this.statistics.failures.increment();
		// the message without the cause: handlers may log or export both, and the cause's
		// may quote a token
		observed.failed(new IdTokenUnavailableException(entry.audience(), this.minter.describeCredentials(),
				failure.message(), null));
		// logged before the callers waiting for this mint are told, so that what they
		// report follows the log
		logger.warn("Cannot mint ID token for audience '" + entry.audience() + "' from "
				+ this.minter.describeCredentials() + " (attempt " + failure.consecutive() + "): " + failure.message());
		entry.inFlight().compareAndSet(mint, null);
		mint.completeExceptionally(ex);
		CachedIdToken current = entry.token();
		if (current != null && failure.nextAttemptAt() < current.usableUntil()) {
			this.refreshes.schedule(entry, failure.nextAttemptAt() - this.clock.millis(), () -> startMint(entry));
		}
	}

	private CachedIdToken mintUsable(String audience) throws IOException {
		long started = this.clock.millis();
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
