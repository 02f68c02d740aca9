package dev.cloudrunauth.receiving;

import io.micrometer.observation.ObservationRegistry;
import reactor.core.publisher.Mono;

import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.util.Assert;

/**
 * Reactive counterpart of {@link AllowedCallersAuthorizationManager}.
 *
 * @param <T> the type of object authorized
 */
public final class ReactiveAllowedCallersAuthorizationManager<T> implements ReactiveAuthorizationManager<T> {

	private static final AuthenticationTrustResolver trustResolver = new AuthenticationTrustResolverImpl();

	private final AllowedCallers callers;

	private final ObservationRegistry observations;

	/**
	 * Create a manager.
	 * @param callers the allowed callers
	 */
	public ReactiveAllowedCallersAuthorizationManager(AllowedCallers callers) {
		this(callers, ObservationRegistry.NOOP);
	}

	/**
	 * Create a manager that observes the callers it refuses.
	 * @param callers the allowed callers
	 * @param observations the registry
	 */
	ReactiveAllowedCallersAuthorizationManager(AllowedCallers callers, ObservationRegistry observations) {
		Assert.notNull(callers, "callers cannot be null");
		Assert.notNull(observations, "observations cannot be null");
		this.callers = callers;
		this.observations = observations;
	}

	@Override
	public Mono<AuthorizationResult> authorize(Mono<Authentication> authentication, T object) {
		return authentication.map((auth) -> {
			boolean allowed = this.callers.allows(auth);
			if (!allowed && trustResolver.isAuthenticated(auth)) {
				ReceivingObservations.callerNotAllowed(this.observations);
			}
			return (AuthorizationResult) new AuthorizationDecision(allowed);
		}).defaultIfEmpty(new AuthorizationDecision(false));
	}

}
