package dev.cloudrunauth.receiving;

/**
 * Told about every token verification and caller check, for metrics. Called on the request path: implementations
 * must be cheap and must not block.
 */
interface VerificationListener {

	/**
	 * A listener that does nothing.
	 */
	VerificationListener NONE = new VerificationListener() {
	};

	/**
	 * A token was accepted, verified now or earlier (a cache hit).
	 */
	default void accepted() {
	}

	/**
	 * A token was rejected.
	 * @param reason why
	 */
	default void rejected(RejectionReason reason) {
	}

	/**
	 * An authenticated caller is not among the allowed callers.
	 */
	default void callerNotAllowed() {
	}

}
