package dev.cloudrunauth.receiving;

import java.util.EnumMap;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The meters of the receiving side: verifications, the verified-token cache and key fetches. Counters are registered
 * up front, so that the request path only increments them.
 */
final class ReceivingMeters {

	/**
	 * Counter of verifications, tagged {@code outcome} ({@code accepted}, {@code rejected}) and {@code reason}
	 * ({@code none}, a {@link RejectionReason#tag()}, or {@code caller_not_allowed}).
	 */
	static final String VERIFICATIONS = "cloudrun.auth.verifications";

	/**
	 * Lookups of the verified-token cache, tagged {@code result} ({@code hit}, {@code miss}).
	 */
	static final String VERIFIED_TOKENS = "cloudrun.auth.verified-tokens";

	/**
	 * Fetches of the JWK Set, tagged {@code outcome} ({@code success}, {@code failure}).
	 */
	static final String JWKS_FETCHES = "cloudrun.auth.jwks.fetches";

	private ReceivingMeters() {
	}

	static VerificationListener verificationCounter(MeterRegistry registry) {
		return new VerificationCounter(registry);
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
