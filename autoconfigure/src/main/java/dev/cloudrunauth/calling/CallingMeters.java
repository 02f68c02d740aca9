package dev.cloudrunauth.calling;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The meters of the calling side: token mints and the token cache.
 */
final class CallingMeters {

	/**
	 * Timer of ID token mints, tagged {@code target} and {@code outcome} ({@code success}, {@code failure}).
	 */
	static final String MINTS = "cloudrun.auth.token.mints";

	/**
	 * Calls answered from the token cache or not, tagged {@code result} ({@code hit}, {@code miss}).
	 */
	static final String TOKEN_CACHE = "cloudrun.auth.token.cache";

	private CallingMeters() {
	}

	static IdTokenMintListener mintTimer(MeterRegistry registry, CallingTargets targets) {
		return (audience, duration, failure) -> Timer.builder(MINTS)
			.description("ID token mints")
			.tag("target", target(targets, audience))
			.tag("outcome", (failure != null) ? "failure" : "success")
			.register(registry)
			.record(duration);
	}

	private static String target(CallingTargets targets, String audience) {
		for (CallingTarget target : targets.asList()) {
			if (target.getAudience().equals(audience)) {
				return target.getName();
			}
		}
		return "none";
	}

}
