package dev.cloudrunauth.receiving;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

/**
 * What is known of the key cache's fetches, for its health and its log lines: how many
 * were attempted, succeeded and failed, how many failed in a row, when keys were last
 * fetched and why the last fetch failed.
 */
final class KeyFetchStatistics {

	private final LongAdder fetches = new LongAdder();

	private final LongAdder failedFetches = new LongAdder();

	private final LongAdder successfulFetches = new LongAdder();

	private volatile int consecutiveFailures;

	private volatile @Nullable Instant lastFetched;

	private volatile @Nullable String lastError;

	void started() {
		this.fetches.increment();
	}

	synchronized void succeeded(Instant at) {
		this.successfulFetches.increment();
		this.consecutiveFailures = 0;
		this.lastFetched = at;
		this.lastError = null;
	}

	/**
	 * Record a failed fetch.
	 * @param failure what went wrong, whose message never quotes a response
	 * @param timeout how long the fetch could take
	 * @return how many fetches failed in a row, this one included
	 */
	synchronized int failed(@Nullable Throwable failure, Duration timeout) {
		this.failedFetches.increment();
		this.lastError = describe(failure, timeout);
		return ++this.consecutiveFailures;
	}

	private static String describe(@Nullable Throwable failure, Duration timeout) {
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		if (cause instanceof TimeoutException) {
			return "no answer within " + timeout.toMillis() + " ms";
		}
		String message = (cause != null) ? cause.getMessage() : null;
		return (message != null && !message.isBlank()) ? message
				: (cause != null) ? cause.getClass().getSimpleName() : "unknown failure";
	}

	/**
	 * Return how many fetches were attempted.
	 * @return the count
	 */
	long fetches() {
		return this.fetches.sum();
	}

	/**
	 * Return how many fetches failed.
	 * @return the count
	 */
	long failedFetches() {
		return this.failedFetches.sum();
	}

	/**
	 * Return how many fetches succeeded.
	 * @return the count
	 */
	long successfulFetches() {
		return this.successfulFetches.sum();
	}

	/**
	 * Return when keys were last fetched successfully.
	 * @return the time, or {@code null} if never
	 */
	@Nullable Instant lastFetched() {
		return this.lastFetched;
	}

	/**
	 * Return the error of the last fetch, if it failed.
	 * @return the error message, or {@code null} if the last fetch succeeded or none
	 * ended yet
	 */
	@Nullable String lastError() {
		return this.lastError;
	}

}
