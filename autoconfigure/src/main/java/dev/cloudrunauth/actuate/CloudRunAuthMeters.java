package dev.cloudrunauth.actuate;

import java.util.EnumMap;
import java.util.Map;

import dev.cloudrunauth.calling.CallingTarget;
import dev.cloudrunauth.calling.CallingTargets;
import dev.cloudrunauth.calling.IdTokenMintListener;
import dev.cloudrunauth.receiving.RejectionReason;
import dev.cloudrunauth.receiving.VerificationListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The meters of token mints and verifications. Counters are registered up front, so that the request path only
 * increments them.
 */
public final class CloudRunAuthMeters {

	/**
	 * Timer of ID token mints, tagged {@code target} and {@code outcome} ({@code success}, {@code failure}).
	 */
	public static final String MINTS = "cloudrun.auth.token.mints";

	/**
	 * Calls answered from the token cache or not, tagged {@code result} ({@code hit}, {@code miss}).
	 */
	public static final String TOKEN_CACHE = "cloudrun.auth.token.cache";

	/**
	 * Counter of verifications, tagged {@code outcome} ({@code accepted}, {@code rejected}) and {@code reason}
	 * ({@code none}, a {@link RejectionReason#tag()}, or {@code caller_not_allowed}).
	 */
	public static final String VERIFICATIONS = "cloudrun.auth.verifications";

	/**
	 * Lookups of the verified-token cache, tagged {@code result} ({@code hit}, {@code miss}).
	 */
	public static final String VERIFIED_TOKENS = "cloudrun.auth.verified-tokens";

	/**
	 * Fetches of the JWK Set, tagged {@code outcome} ({@code success}, {@code failure}).
	 */
	public static final String JWKS_FETCHES = "cloudrun.auth.jwks.fetches";

	private CloudRunAuthMeters() {
	}

	/**
	 * Return a mint listener recording {@value #MINTS}.
	 * @param registry the registry
	 * @param targets the targets, to name the {@code target} of an audience
	 * @return the listener
	 */
	public static IdTokenMintListener mintTimer(MeterRegistry registry, CallingTargets targets) {
		return (audience, duration, failure) -> Timer.builder(MINTS)
			.description("ID token mints")
			.tag("target", target(targets, audience))
			.tag("outcome", (failure != null) ? "failure" : "success")
			.register(registry)
			.record(duration);
	}

	/**
	 * Return a verification listener counting {@value #VERIFICATIONS}.
	 * @param registry the registry
	 * @return the listener
	 */
	public static VerificationListener verificationCounter(MeterRegistry registry) {
		return new VerificationCounter(registry);
	}

	private static String target(CallingTargets targets, String audience) {
		for (CallingTarget target : targets.asList()) {
			if (target.getAudience().equals(audience)) {
				return target.getName();
			}
		}
		return "none";
	}

	private static final class VerificationCounter implements VerificationListener {

		private final Counter accepted;

		private final Map<RejectionReason, Counter> rejected = new EnumMap<>(RejectionReason.class);

		private final Counter callerNotAllowed;

		VerificationCounter(MeterRegistry registry) {
			this.accepted = counter(registry, "accepted", "none");
			for (RejectionReason reason : RejectionReason.values()) {
				this.rejected.put(reason, counter(registry, "rejected", reason.tag()));
			}
			this.callerNotAllowed = counter(registry, "rejected", "caller_not_allowed");
		}

		private static Counter counter(MeterRegistry registry, String outcome, String reason) {
			return Counter.builder(VERIFICATIONS)
				.description("ID token verifications and caller checks")
				.tag("outcome", outcome)
				.tag("reason", reason)
				.register(registry);
		}

		@Override
		public void accepted() {
			this.accepted.increment();
		}

		@Override
		public void rejected(RejectionReason reason) {
			this.rejected.get(reason).increment();
		}

		@Override
		public void callerNotAllowed() {
			this.callerNotAllowed.increment();
		}

	}

}
