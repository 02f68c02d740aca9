package dev.cloudrunauth.calling;

import io.micrometer.observation.Observation;

/**
 * What an observation of one ID token mint knows: the audience, the name of the target it
 * is for, the identity minted as, and once it ends, whether it succeeded. Never the
 * token.
 */
final class IdTokenMintContext extends Observation.Context {

	/**
	 * The name of the observation, and so of its timer.
	 */
	static final String NAME = "cloudrun.auth.token.mints";

	private final String audience;

	private final String target;

	private final String identity;

	private volatile boolean succeeded;

	IdTokenMintContext(String audience, String target, String identity) {
		this.audience = audience;
		this.target = target;
		this.identity = identity;
		// a GlobalObservationConvention can only tell this context apart by its name: set
		// it before one is chosen
		setName(NAME);
	}

	String getAudience() {
		return this.audience;
	}

	/**
	 * Return the name of the target whose audience is minted for, or {@code none} for
	 * direct {@link IdTokenSource} use.
	 * @return the target name
	 */
	String getTarget() {
		return this.target;
	}

	/**
	 * Return the service account impersonated to mint, or {@code default} when the
	 * credentials mint as themselves.
	 * @return the identity
	 */
	String getIdentity() {
		return this.identity;
	}

	boolean isSucceeded() {
		return this.succeeded;
	}

	void succeeded() {
		this.succeeded = true;
	}

}
