package dev.cloudrunauth.receiving;

import reactor.core.publisher.Mono;

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

	private final AllowedCallers callers;

	/**
	 * Create a manager.
	 * @param callers the allowed callers
	 */
	public ReactiveAllowedCallersAuthorizationManager(AllowedCallers callers) {
		Assert.notNull(callers, "callers cannot be null");
		this.callers = callers;
	}

	@Override
	public Mono<AuthorizationResult> authorize(Mono<Authentication> authentication, T object) {
		return authentication.map((auth) -> (AuthorizationResult) new AuthorizationDecision(this.callers.allows(auth)))
			.defaultIfEmpty(new AuthorizationDecision(false));
	}

}
