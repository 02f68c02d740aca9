package dev.cloudrunauth.calling;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * What is held for one audience: its token, the mint in flight, the last failure, whether
 * it was used since the last mint, and its queued refresh.
 */
final class AudienceEntry {

	private final String audience;

	private final AtomicReference<@Nullable CompletableFuture<CachedIdToken>> inFlight = new AtomicReference<>();

	private volatile @Nullable CachedIdToken token;

	private volatile @Nullable MintFailure failure;

	private volatile boolean used;

	private volatile boolean retired;

	private @Nullable ScheduledFuture<?> refresh;

	AudienceEntry(String audience) {
		this.audience = audience;
	}

	String audience() {
		return this.audience;
	}

	/**
	 * Return the mint in flight, which at most one thread at a time may start.
	 * @return the reference to the mint in flight
	 */
	AtomicReference<@Nullable CompletableFuture<CachedIdToken>> inFlight() {
		return this.inFlight;
	}

	@Nullable CachedIdToken token() {
		return this.token;
	}

	@Nullable MintFailure failure() {
		return this.failure;
	}

	void minted(CachedIdToken token) {
		this.token = token;
		this.failure = null;
	}

	void failed(MintFailure failure) {
		this.failure = failure;
	}

	void markUsed() {
		// every call reads the flag but only the first after a mint writes it, so calls
		// do not contend on its line
		if (!this.used) {
			this.used = true;
		}
	}

	void clearUsed() {
		this.used = false;
	}

	boolean isUsed() {
		return this.used;
	}

	boolean isRetired() {
		return this.retired;
	}

	/**
	 * Replace the queued refresh with the given one, unless the entry is retired.
	 * @param schedule schedules the refresh, or returns {@code null} if it cannot
	 */
	synchronized void replaceRefresh(Supplier<@Nullable ScheduledFuture<?>> schedule) {
		cancelRefresh();
		if (!this.retired) {
			this.refresh = schedule.get();
		}
	}

	/**
	 * Retire the entry once it has left the cache: its queued refresh is cancelled and
	 * none is queued after.
	 */
	synchronized void retire() {
		// Caffeine calls the eviction listener while its map still holds the entry: only
		// this flag tells it is gone
		this.retired = true;
		cancelRefresh();
	}

	private void cancelRefresh() {
		if (this.refresh != null) {
			this.refresh.cancel(false);
			this.refresh = null;
		}
	}

	/**
	 * Return what is held, for health reporting.
	 * @param now the time, in epoch milliseconds
	 * @return the status
	 */
	IdTokenStatus status(long now) {
		CachedIdToken token = this.token;
		MintFailure failure = this.failure;
		return new IdTokenStatus(this.audience, token != null && now < token.usableUntil(),
				(token != null) ? Instant.ofEpochMilli(token.expiresAt()) : null,
				(failure != null) ? failure.message() : null,
				(failure != null) ? Instant.ofEpochMilli(failure.at()) : null);
	}

	@Override
	public String toString() {
		return "AudienceEntry[" + this.audience + "]";
	}

}
