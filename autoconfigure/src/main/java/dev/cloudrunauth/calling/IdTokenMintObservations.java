package dev.cloudrunauth.calling;

import java.util.List;
import java.util.Objects;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Observes each ID token mint in a registry, naming the identity minted as and the target
 * whose audience it is for. A failing observation handler is logged at debug and never
 * fails the mint: callers are waiting for it.
 */
final class IdTokenMintObservations {

	static final IdTokenMintObservations NONE = new IdTokenMintObservations(ObservationRegistry.NOOP,
			new CallingTargets(List.of()));

	private static final Log logger = LogFactory.getLog(IdTokenMintObservations.class);

	private final ObservationRegistry registry;

	/**
	 * The {@code identity} of mints as the token source's own identity without
	 * impersonation.
	 */
	static final String DEFAULT_IDENTITY = "default";

	private final CallingTargets targets;

	private final @Nullable String targetIdentity;

	private final String identity;

	IdTokenMintObservations(ObservationRegistry registry, CallingTargets targets) {
		this(registry, targets, null, DEFAULT_IDENTITY);
	}

	private IdTokenMintObservations(ObservationRegistry registry, CallingTargets targets,
			@Nullable String targetIdentity, String identity) {
		this.registry = registry;
		this.targets = targets;
		this.targetIdentity = targetIdentity;
		this.identity = identity;
	}

	/**
	 * Return the observations of the mints of one identity.
	 * @param targetIdentity the identity as targets name it
	 * ({@link CallingTarget#identity()}), {@code null} for the token source's own
	 * @param identity the identity's tag: the impersonated service account, or
	 * {@link #DEFAULT_IDENTITY}
	 * @return the observations
	 */
	IdTokenMintObservations forIdentity(@Nullable String targetIdentity, String identity) {
		return new IdTokenMintObservations(this.registry, this.targets, targetIdentity, identity);
	}

	/**
	 * Start observing a mint; a convention registered with the registry replaces the
	 * default one.
	 * @param audience the audience minted for
	 * @return the mint being observed
	 */
	Mint start(String audience) {
		IdTokenMintContext context = new IdTokenMintContext(audience, target(audience), this.identity);
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
			if (target.getAudience().equals(audience) && Objects.equals(target.identity(), this.targetIdentity)) {
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
