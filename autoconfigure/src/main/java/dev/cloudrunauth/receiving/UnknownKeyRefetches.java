package dev.cloudrunauth.receiving;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * How often tokens with a key id that is not known may cause a fetch of the keys: once
 * per interval, so that made-up key ids cannot make the service fetch without pause. Only
 * these fetches count: scheduled fetches and retries neither use nor wait for the
 * allowance, so a key published right after one of them is still found at once.
 */
final class UnknownKeyRefetches {

	private static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

	private final long intervalMillis;

	private volatile long lastAt = Long.MIN_VALUE / 2;

	/**
	 * Create an allowance.
	 * @param interval minimum time between two fetches caused by unknown key ids, at
	 * least one second
	 */
	UnknownKeyRefetches(Duration interval) {
		Assert.isTrue(interval != null && interval.compareTo(MIN_INTERVAL) >= 0, "refetchInterval must be at least 1s");
		this.intervalMillis = interval.toMillis();
	}

	/**
	 * Return whether an unknown key id may cause a fetch now. The first fetch of all is
	 * the one startup begins anyway: a request that comes before it may start it, and
	 * that uses no allowance, which stays for a key published later.
	 * @param now the time in milliseconds
	 * @param fetches how many fetches began so far
	 * @return {@code true} if none caused by an unknown key id began within the interval
	 */
	boolean allowed(long now, long fetches) {
		return fetches == 0 || now - this.lastAt >= this.intervalMillis;
	}

	/**
	 * Record that an unknown key id caused a fetch.
	 * @param now the time in milliseconds
	 * @param fetches how many fetches began before this one
	 */
	void used(long now, long fetches) {
		if (fetches > 0) {
			this.lastAt = now;
		}
	}

}
