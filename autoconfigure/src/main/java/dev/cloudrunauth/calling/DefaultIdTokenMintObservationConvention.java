package dev.cloudrunauth.calling;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names the observation of an ID token mint {@code cloudrun.auth.token.mints}, with the
 * low-cardinality keys {@code target}, {@code identity} (the impersonated service
 * account, or {@code default}) and {@code outcome} ({@code success}, {@code failure},
 * {@code unknown} while it runs) and the high-cardinality key {@code audience}.
 */
final class DefaultIdTokenMintObservationConvention implements ObservationConvention<IdTokenMintContext> {

	static final DefaultIdTokenMintObservationConvention INSTANCE = new DefaultIdTokenMintObservationConvention();

	@Override
	public String getName() {
		return IdTokenMintContext.NAME;
	}

	@Override
	public String getContextualName(IdTokenMintContext context) {
		return "mint id token";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(IdTokenMintContext context) {
		// explicit rather than left to the error key of Micrometer's timer, so the meter
		// keeps the tags it always had
		return KeyValues.of("target", context.getTarget(), "identity", context.getIdentity(), "outcome",
				outcome(context));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(IdTokenMintContext context) {
		return KeyValues.of("audience", context.getAudience());
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof IdTokenMintContext;
	}

	private static String outcome(IdTokenMintContext context) {
		if (context.getError() != null) {
			return "failure";
		}
		return context.isSucceeded() ? "success" : "unknown";
	}

}
