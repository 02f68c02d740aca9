package dev.cloudrunauth.receiving;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * When the signing keys are fetched in the background: at once on start, then when 90% of
 * the {@code Cache-Control: max-age} of the last response has passed (under 5 s counts as
 * 5 s, over a day as a day, none as an hour), and after a failed fetch with an
 * exponential back-off from 1 s, doubling up to 1 minute, with 10% jitter so that the
 * instances of a service do not retry in step. One fetch is scheduled at a time, on one
 * daemon thread.
 */
final class KeyRefreshSchedule implements AutoCloseable {

	static final Duration DEFAULT_MAX_AGE = Duration.ofHours(1);

	static final Duration MIN_MAX_AGE = Duration.ofSeconds(5);

	static final Duration MAX_MAX_AGE = Duration.ofDays(1);

	private final ScheduledThreadPoolExecutor scheduler;

	private final Runnable fetch;

	private final ExponentialBackOff backOff = new ExponentialBackOff(1000, 2);

	private @Nullable BackOffExecution retries;

	private @Nullable ScheduledFuture<?> next;

	/**
	 * Create a schedule.
	 * @param fetch what starts a fetch
	 */
	KeyRefreshSchedule(Runnable fetch) {
		this.fetch = fetch;
		this.backOff.setMaxInterval(Duration.ofMinutes(1).toMillis());
		this.backOff.setJitter(100);
		CustomizableThreadFactory threads = new CustomizableThreadFactory("cloudrun-auth-jwks-refresh-");
		threads.setDaemon(true);
		this.scheduler = new ScheduledThreadPoolExecutor(1, threads);
		this.scheduler.setRemoveOnCancelPolicy(true);
	}

	/**
	 * Fetch as soon as possible.
	 */
	void now() {
		schedule(0);
	}

	/**
	 * Schedule the next fetch after a successful one.
	 * @param cacheControl the response's {@code Cache-Control}, if any
	 * @return the delay
	 */
	synchronized Duration succeeded(@Nullable String cacheControl) {
		this.retries = null;
		Duration maxAge = maxAge(cacheControl);
		Duration delay = maxAge.minus(maxAge.dividedBy(10));
		schedule(delay.toMillis());
		return delay;
	}

	/**
	 * Schedule a retry after a failed fetch.
	 * @return the delay
	 */
	synchronized Duration failed() {
		if (this.retries == null) {
			this.retries = this.backOff.start();
		}
		long delay = this.retries.nextBackOff();
		schedule(delay);
		return Duration.ofMillis(delay);
	}

	/**
	 * Run a task on the schedule's thread after a delay, unless it is closed.
	 * @param task the task
	 * @param delay the delay
	 */
	void later(Runnable task, Duration delay) {
		if (!isClosed()) {
			this.scheduler.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	boolean isClosed() {
		return this.scheduler.isShutdown();
	}

	@Override
	public void close() {
		this.scheduler.shutdownNow();
	}

	private synchronized void schedule(long delayMillis) {
		if (this.next != null) {
			this.next.cancel(false);
		}
		if (!isClosed()) {
			this.next = this.scheduler.schedule(this.fetch, Math.max(delayMillis, 0), TimeUnit.MILLISECONDS);
		}
	}

	/**
	 * Return how long keys may be cached according to a {@code Cache-Control} header,
	 * within 5 s and a day.
	 * @param cacheControl the header, or {@code null}
	 * @return the max-age, or an hour if there is none
	 */
	static Duration maxAge(@Nullable String cacheControl) {
		if (cacheControl == null) {
			return DEFAULT_MAX_AGE;
		}
		for (String directive : cacheControl.toLowerCase(Locale.ROOT).split(",")) {
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

}
