package dev.cloudrunauth.calling;

import java.util.List;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Observes each ID token mint in a registry, naming the target whose audience it is for.
 * A failing observation handler is logged at debug and never fails the mint: callers are
 * waiting for it.
 */
final class IdTokenMintObservations {

	static final IdTokenMintObservations NONE = new IdTokenMintObservations(ObservationRegistry.NOOP,
			new CallingTargets(List.of()));

	private static final Log logger = LogFactory.getLog(IdTokenMintObservations.class);

	private final ObservationRegistry registry;

	private final CallingTargets targets;

	IdTokenMintObservations(ObservationRegistry registry, CallingTargets targets) {
		this.registry = registry;
		this.targets = targets;
	}

	/**
	 * Start observing a mint; a convention registered with the registry replaces the
	 * default one.
	 * @param audience the audience minted for
	 * @return the mint being observed
	 */
	Mint start(String audience) {
		IdTokenMintContext context = new IdTokenMintContext(audience, target(audience));
		Observation observation;
		try {
			observation = Observation.start(null, DefaultIdTokenMintObservationConvention.INSTANCE, () -> context,
					this.registry);
		}
		catch (RuntimeException ex) {
			logger.debug("Cannot start the observation of an ID token mint", ex);
			observation = Observation.NOOP;
		}
		return new Mint(context, observation);
	}

	private String target(String audience) {
		for (CallingTarget target : this.targets.asList()) {
			if (target.getAudience().equals(audience)) {
				return target.getName();
			}
		}
		return "none";
	}

	/**
	 * A mint being observed.
	 */
	static final class Mint {

		private final IdTokenMintContext context;

		private final Observation observation;

		private Mint(IdTokenMintContext context, Observation observation) {
			this.context = context;
			this.observation = observation;
		}

		void succeeded() {
			this.context.succeeded();
			stop(null);
		}

		/**
		 * Stop the observation with an error.
		 * @param error the error, which handlers may log or export: never the raw failure
		 * of a credential library
		 */
		void failed(IdTokenUnavailableException error) {
			stop(error);
		}

		private void stop(@Nullable Throwable error) {
			try {
				if (error != null) {
					this.observation.error(error);
				}
				this.observation.stop();
			}
			catch (RuntimeException ex) {
				logger.debug("Cannot stop the observation of an ID token mint", ex);
			}
		}

	}

}
