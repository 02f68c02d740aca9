package dev.cloudrunauth.receiving;

import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.core.Authentication;
import org.springframework.util.Assert;

/**
 * The service accounts allowed to call, by email (compared ignoring case); empty allows any authenticated caller.
 */
public final class AllowedCallers {

	private static final AuthenticationTrustResolver trustResolver = new AuthenticationTrustResolverImpl();

	private final Set<String> emails;

	/**
	 * Create a set of allowed callers.
	 * @param emails the callers' emails; empty allows any authenticated caller
	 */
	public AllowedCallers(Collection<String> emails) {
		Assert.notNull(emails, "emails cannot be null");
		this.emails = emails.stream()
			.map((email) -> normalize(email.trim()))
			.collect(Collectors.toUnmodifiableSet());
	}

	/**
	 * Return whether an authentication is an allowed caller.
	 * @param authentication the authentication, if any
	 * @return {@code true} if it is authenticated and, unless any caller is allowed, its name is an allowed email
	 */
	public boolean allows(@Nullable Authentication authentication) {
		if (!isAuthenticated(authentication)) {
			return false;
		}
		String name = authentication.getName();
		return this.emails.isEmpty() || (name != null && this.emails.contains(normalize(name)));
	}

	static boolean isAuthenticated(@Nullable Authentication authentication) {
		return trustResolver.isAuthenticated(authentication);
	}

	/**
	 * Return whether any authenticated caller is allowed.
	 * @return {@code true} if no emails were given
	 */
	public boolean allowsAnyCaller() {
		return this.emails.isEmpty();
	}

	/**
	 * Return the allowed emails, in lower case.
	 * @return the emails
	 */
	public Set<String> emails() {
		return this.emails;
	}

	/**
	 * Ignore case only: the caller's email from a token is compared as it is, never trimmed.
	 */
	private static String normalize(String email) {
		return email.toLowerCase(Locale.ROOT);
	}

	@Override
	public String toString() {
		return this.emails.isEmpty() ? "any caller" : this.emails.toString();
	}

}
