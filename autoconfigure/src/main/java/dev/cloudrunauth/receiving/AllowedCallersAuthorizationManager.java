package dev.cloudrunauth.receiving;

import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.util.Assert;

/**
 * Grants access to authenticated {@link AllowedCallers allowed callers}: an unauthenticated request is denied (401),
 * an authenticated caller not in the list too (403). Use it in a filter chain of your own:
 * {@code .anyRequest().access(allowedCallersAuthorizationManager)}.
 *
 * @param <T> the type of object authorized
 */
public final class AllowedCallersAuthorizationManager<T> implements AuthorizationManager<T> {

	private final AllowedCallers callers;

	/**
	 * Create a manager.
	 * @param callers the allowed callers
	 */
	public AllowedCallersAuthorizationManager(AllowedCallers callers) {
		Assert.notNull(callers, "callers cannot be null");
		this.callers = callers;
	}

	@Override
	public AuthorizationResult authorize(Supplier<? extends @Nullable Authentication> authentication, T object) {
		return new AuthorizationDecision(this.callers.allows(authentication.get()));
	}

}
