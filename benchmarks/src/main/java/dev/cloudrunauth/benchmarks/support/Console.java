package dev.cloudrunauth.benchmarks.support;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/**
 * Progress output of the harness.
 */
public final class Console {

	private Console() {
	}

	public static void log(String format, Object... arguments) {
		System.out.println(LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " " + String.format(format, arguments));
		System.out.flush();
	}

}
