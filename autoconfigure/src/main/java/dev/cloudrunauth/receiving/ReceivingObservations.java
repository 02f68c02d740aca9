package dev.cloudrunauth.receiving;

import java.net.URI;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.ObservationRegistry;

/**
 * The observations of the receiving side, which Spring Boot's metrics turn into timers of
 * the same names: each token verification and each refused caller, and each fetch of the
 * JWK Set. Lookups of the verified-token cache are counted by a meter binder instead, as
 * they are part of a verification.
 */
final class ReceivingObservations {

	/**
	 * Verifications, with {@code outcome} ({@code accepted}, {@code rejected}) and
	 * {@code reason} ({@code none}, a {@link RejectionReason#tag()}, or
	 * {@code caller_not_allowed}).
	 */
	static final String VERIFICATIONS = "cloudrun.auth.verifications";

	/**
	 * Lookups of the verified-token cache, tagged {@code result} ({@code hit},
	 * {@code miss}).
	 */
	static final String VERIFIED_TOKENS = "cloudrun.auth.verified-tokens";

	/**
	 * Fetches of the JWK Set, with {@code outcome} ({@code success}, {@code failure}).
	 */
	static final String JWKS_FETCHES = "cloudrun.auth.jwks.fetches";

	private static final VerificationConvention VERIFICATION = new VerificationConvention();

	private static final KeyFetchConvention KEY_FETCH = new KeyFetchConvention();

	private ReceivingObservations() {
	}

	/**
	 * Return a verification not started yet; {@link Observation#NOOP} without handlers,
	 * so that it costs nothing.
	 * @param registry the registry
	 * @param token what is verified: {@code id_token} or {@code iap_assertion}
	 * @return the observation
	 */
	static Observation verification(ObservationRegistry registry, String token) {
		return Observation.createNotStarted(null, VERIFICATION, () -> new VerificationContext(token), registry);
	}

	/**
	 * Record that a started verification rejected the token, or refused its caller.
	 * @param observation the verification
	 * @param reason a {@link RejectionReason#tag()} or {@code caller_not_allowed}
	 */
	static void rejected(Observation observation, String reason) {
		if (observation.getContext() instanceof VerificationContext context) {
			context.reason = reason;
		}
	}

	/**
	 * Record a caller refused by a caller rule.
	 * @param registry the registry
	 */
	static void callerNotAllowed(ObservationRegistry registry) {
		// caller rules apply to the callers of ID tokens only
		Observation observation = verification(registry, "id_token").start();
		rejected(observation, "caller_not_allowed");
		observation.stop();
	}

	/**
	 * Return a fetch of the JWK Set, not started yet.
	 * @param context its context
	 * @param registry the registry
	 * @return the observation
	 */
	static Observation keyFetch(KeyFetchContext context, ObservationRegistry registry) {
		return Observation.createNotStarted(null, KEY_FETCH, () -> context, registry);
	}

	/**
	 * A verification: accepted unless a reason is set.
	 */
	static final class VerificationContext extends Observation.Context {

		private final String token;

		private String reason = "none";

		VerificationContext(String token) {
			this.token = token;
		}

		String outcome() {
			return "none".equals(this.reason) ? "accepted" : "rejected";
		}

		String reason() {
			return this.reason;
		}

	}

	/**
	 * A fetch of the JWK Set: failed if it has an error.
	 */
	static final class KeyFetchContext extends Observation.Context {

		private final URI jwkSetUri;

		int keys;

		KeyFetchContext(URI jwkSetUri) {
			this.jwkSetUri = jwkSetUri;
		}

		URI jwkSetUri() {
			return this.jwkSetUri;
		}

	}

	static final class VerificationConvention implements ObservationConvention<VerificationContext> {

		@Override
		public String getName() {
			return VERIFICATIONS;
		}

		@Override
		public String getContextualName(VerificationContext context) {
			return "id token verification";
		}

		@Override
		public KeyValues getLowCardinalityKeyValues(VerificationContext context) {
			return KeyValues.of("token", context.token, "outcome", context.outcome(), "reason", context.reason());
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return context instanceof VerificationContext;
		}

	}

	static final class KeyFetchConvention implements ObservationConvention<KeyFetchContext> {

		@Override
		public String getName() {
			return JWKS_FETCHES;
		}

		@Override
		public String getContextualName(KeyFetchContext context) {
			return "jwks fetch";
		}

		@Override
		public KeyValues getLowCardinalityKeyValues(KeyFetchContext context) {
			return KeyValues.of("outcome", (context.getError() != null) ? "failure" : "success");
		}

		@Override
		public KeyValues getHighCardinalityKeyValues(KeyFetchContext context) {
			return KeyValues.of("jwk_set.uri", context.jwkSetUri().toString(), "keys", Integer.toString(context.keys));
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return context instanceof KeyFetchContext;
		}

	}

}
