package dev.cloudrunauth.test.emulator;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A failure to inject into one {@link EmulatorEndpoint}: an HTTP error status, a delay
 * before the normal answer, or refused connections.
 *
 * @see GoogleIdentityEmulator#inject(EmulatorEndpoint, Fault)
 */
public final class Fault {

	private final int status;

	private final @Nullable Duration delay;

	private final boolean refuseConnections;

	private Fault(int status, @Nullable Duration delay, boolean refuseConnections) {
		this.status = status;
		this.delay = delay;
		this.refuseConnections = refuseConnections;
	}

	/**
	 * Answer every request with the given HTTP status (for example 500 or 503) and a
	 * Google-style error body.
	 * @param status an HTTP status between 400 and 599
	 * @return the fault
	 */
	public static Fault httpStatus(int status) {
		if (status < 400 || status > 599) {
			throw new IllegalArgumentException("status must be an HTTP error status (400-599), got " + status);
		}
		return new Fault(status, null, false);
	}

	/**
	 * Answer every request normally, but only after the given delay.
	 * @param delay how long to wait before answering
	 * @return the fault
	 */
	public static Fault delay(Duration delay) {
		Objects.requireNonNull(delay, "delay cannot be null");
		if (delay.isNegative()) {
			throw new IllegalArgumentException("delay cannot be negative");
		}
		return new Fault(0, delay, false);
	}

	/**
	 * Stop listening, so that connections are refused until the fault is cleared.
	 * @return the fault
	 */
	public static Fault refuseConnections() {
		return new Fault(0, null, true);
	}

	int status() {
		return this.status;
	}

	@Nullable Duration delay() {
		return this.delay;
	}

	boolean refusesConnections() {
		return this.refuseConnections;
	}

	@Override
	public String toString() {
		if (this.refuseConnections) {
			return "refuse connections";
		}
		return (this.delay != null) ? "delay " + this.delay : "HTTP " + this.status;
	}

}
