package dev.cloudrunauth.calling;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The last failed mint of an audience, counting the failures since its last success, and
 * when the next attempt may start.
 */
final class MintFailure {

	private final Throwable cause;

	private final BackOffExecution backOff;

	private final int consecutive;

	private final long at;

	private final long nextAttemptAt;

	private MintFailure(Throwable cause, BackOffExecution backOff, int consecutive, long at) {
		this.cause = cause;
		this.backOff = backOff;
		this.consecutive = consecutive;
		this.at = at;
		this.nextAttemptAt = at + backOff.nextBackOff();
	}

	/**
	 * Return the backoff of retries: {@code initial}, doubling up to {@code max}, each
	 * delay moved at random by up to a fifth of {@code initial} (scaled as the delay
	 * grows) but never below {@code initial} nor above {@code max}.
	 * @param initial the first delay
	 * @param max the longest delay
	 * @return the backoff, which never stops
	 */
	static BackOff backOff(Duration initial, Duration max) {
		ExponentialBackOff backOff = new ExponentialBackOff(initial.toMillis(), 2);
		backOff.setMaxInterval(max.toMillis());
		// instances that failed together (an outage) should not retry in step
		backOff.setJitter(initial.toMillis() / 5);
		return backOff;
	}

	/**
	 * Record a failure after the previous one, if any: the first of a series starts the
	 * backoff over.
	 * @param previous the failure before, or {@code null} after a success
	 * @param cause why the mint failed
	 * @param backOff the backoff of retries
	 * @param now when it failed, in epoch milliseconds
	 * @return the failure
	 */
	static MintFailure after(@Nullable MintFailure previous, Throwable cause, BackOff backOff, long now) {
		if (previous == null) {
			return new MintFailure(cause, backOff.start(), 1, now);
		}
		// mints of one audience never run at once, so its execution is never advanced by
		// two threads
		return new MintFailure(cause, previous.backOff, previous.consecutive + 1, now);
	}

	Throwable cause() {
		return this.cause;
	}

	int consecutive() {
		return this.consecutive;
	}

	long at() {
		return this.at;
	}

	long nextAttemptAt() {
		return this.nextAttemptAt;
	}

	boolean allowsAttemptAt(long now) {
		return now >= this.nextAttemptAt;
	}

	/**
	 * Return the cause's message, with anything shaped like a token cut out.
	 * @return the message
	 */
	String message() {
		return FailureMessages.of(this.cause);
	}

	/**
	 * Return the reason a call fails while the backoff lasts.
	 * @param now the time of the call, in epoch milliseconds
	 * @return the reason
	 */
	String retryLater(long now) {
		return "the last attempt failed (" + message() + "); next attempt in "
				+ Math.max(1, (this.nextAttemptAt - now + 999) / 1000) + " s";
	}

}
