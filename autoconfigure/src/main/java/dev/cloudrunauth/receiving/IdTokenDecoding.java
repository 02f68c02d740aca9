package dev.cloudrunauth.receiving;

import java.security.PublicKey;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.jwt.Jwt;

/**
 * What the servlet and reactive decoders share: the verifier, the keys, the
 * verified-token cache and the observations, and how an outcome is recorded.
 */
final class IdTokenDecoding {

	private static final Log logger = LogFactory.getLog(IdTokenDecoding.class);

	final SigningKeyCache keys;

	private final boolean ownKeys;

	final IdTokenVerifier verifier;

	final Duration keyTimeout;

	private final @Nullable VerifiedTokenCache verifiedTokens;

	private final @Nullable InvokerIamCheck invokerIam;

	private final ObservationRegistry observations;

	IdTokenDecoding(SigningKeyCache keys, boolean ownKeys, IdTokenVerifier verifier, Duration keyTimeout,
			@Nullable VerifiedTokenCache verifiedTokens, @Nullable InvokerIamCheck invokerIam,
			ObservationRegistry observations) {
		this.keys = keys;
		this.ownKeys = ownKeys;
		this.verifier = verifier;
		this.keyTimeout = keyTimeout;
		this.verifiedTokens = verifiedTokens;
		this.invokerIam = invokerIam;
		this.observations = observations;
	}

	/**
	 * Start the observation of one verification, which {@link #accepted} or
	 * {@link #rejected} stops.
	 * @return the observation, {@link Observation#NOOP} without handlers
	 */
	Observation started() {
		return ReceivingObservations.verification(this.observations, this.verifier.iap ? "iap_assertion" : "id_token")
			.start();
	}

	/**
	 * Stop fetching keys if this decoder fetches its own.
	 */
	void close() {
		if (this.ownKeys) {
			this.keys.close();
		}
	}

	@Nullable Jwt verifiedBefore(String token) {
		return (this.verifiedTokens != null) ? this.verifiedTokens.get(token, this.keys) : null;
	}

	Jwt verify(IdTokenVerifier.ParsedToken parsed, @Nullable PublicKey key) {
		Jwt jwt = this.verifier.verify(parsed, key);
		if (this.verifiedTokens != null && key != null) {
			this.verifiedTokens.put(jwt, parsed.keyId(), key);
		}
		return jwt;
	}

	/**
	 * Return the check whose outcome a token with its signature removed must wait for, if
	 * the first check is under way.
	 * @return the first check's outcome, or {@code null} if it is known
	 */
	@Nullable CompletableFuture<InvokerIamCheck.State> pendingInvokerIamCheck() {
		InvokerIamCheck check = this.invokerIam;
		return (check != null && check.state() == InvokerIamCheck.State.CHECKING) ? check.firstResult() : null;
	}

	/**
	 * Refuse a token whose signature Cloud Run removed if Cloud Run's invoker IAM check
	 * is known to be off for this service: nobody then verified it.
	 */
	void checkInvokerIam() {
		if (this.invokerIam != null && this.invokerIam.state() == InvokerIamCheck.State.OFF) {
			throw new InvalidIdTokenException(RejectionReason.INVOKER_IAM_DISABLED);
		}
	}

	@Nullable PublicKey fetched(Optional<PublicKey> key) {
		if (key.isEmpty() && !this.keys.keysLoaded()) {
			throw new InvalidIdTokenException(RejectionReason.KEYS_UNAVAILABLE);
		}
		return key.orElse(null);
	}

	InvalidIdTokenException keysUnavailable(Throwable cause) {
		return new InvalidIdTokenException(RejectionReason.KEYS_UNAVAILABLE,
				RejectionReason.KEYS_UNAVAILABLE.description(), cause);
	}

	Jwt accepted(Observation verification, Jwt jwt) {
		verification.stop();
		return jwt;
	}

	/**
	 * Record a rejection. A failure nobody planned for (an application validator that
	 * throws, a bug) still rejects the token, so that the request gets 401 rather than
	 * 500; its message is not logged, as it might quote the token.
	 * @param verification the observation of the verification
	 * @param failure why verification failed
	 * @return the exception to throw
	 */
	InvalidIdTokenException rejected(Observation verification, Throwable failure) {
		InvalidIdTokenException rejection;
		if (failure instanceof InvalidIdTokenException invalid) {
			rejection = invalid;
		}
		else {
			logger.warn("Unexpected " + failure.getClass().getName() + " while verifying an ID token; it was rejected");
			if (logger.isDebugEnabled()) {
				logger.debug("Where it was thrown", withoutMessage(failure));
			}
			rejection = new InvalidIdTokenException(RejectionReason.OTHER, RejectionReason.OTHER.description(),
					failure);
		}
		ReceivingObservations.rejected(verification, rejection.getReason().tag());
		verification.stop();
		if (logger.isDebugEnabled()) {
			logger.debug("Rejected ID token: " + rejection.getReason().tag() + " (" + rejection.getMessage() + ")");
		}
		return rejection;
	}

	/**
	 * The stack trace of a failure without its message, or the messages of its causes,
	 * which might quote the token.
	 */
	private static Throwable withoutMessage(Throwable failure) {
		Throwable copy = new Throwable(failure.getClass().getName());
		copy.setStackTrace(failure.getStackTrace());
		return copy;
	}

}
