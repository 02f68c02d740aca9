package dev.cloudrunauth.receiving;

import java.util.function.Supplier;

import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.util.Assert;

/**
 * Grants access to {@link AllowedCallers allowed callers}: an unauthenticated request is
 * denied (401), and so is an authenticated one (403) whose caller is not allowed or that
 * was not authenticated with a Google ID token. Use it in a filter chain of your own:
 * {@code .anyRequest().access(allowedCallersAuthorizationManager)}.
 *
 * @param <T> the type of object authorized
 */
public final class AllowedCallersAuthorizationManager<T> implements AuthorizationManager<T> {

	private static final Log logger = LogFactory.getLog(AllowedCallersAuthorizationManager.class);

	private static final AuthenticationTrustResolver trustResolver = new AuthenticationTrustResolverImpl();

	private final AllowedCallers callers;

	private final ObservationRegistry observations;

	/**
	 * Create a manager.
	 * @param callers the allowed callers
	 */
	public AllowedCallersAuthorizationManager(AllowedCallers callers) {
		this(callers, ObservationRegistry.NOOP);
	}

	/**
	 * Create a manager that observes the callers it refuses.
	 * @param callers the allowed callers
	 * @param observations the registry
	 */
	AllowedCallersAuthorizationManager(AllowedCallers callers, ObservationRegistry observations) {
		Assert.notNull(callers, "callers cannot be null");
		Assert.notNull(observations, "observations cannot be null");
		this.callers = callers;
		this.observations = observations;
	}

	@Override
	public AuthorizationResult authorize(Supplier<? extends @Nullable Authentication> authentication, T object) {
		Authentication caller = authentication.get();
		boolean allowed = this.callers.allows(caller);
		if (!allowed && trustResolver.isAuthenticated(caller)) {
			ReceivingObservations.callerNotAllowed(this.observations);
			if (logger.isDebugEnabled()) {
				logger.debug("Caller " + caller.getName() + " is not an allowed caller");
			}
		}
		return new AuthorizationDecision(allowed);
	}

}
