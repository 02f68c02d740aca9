package dev.cloudrunauth.receiving;

import java.util.Collection;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.security.core.Authentication;
import org.springframework.util.Assert;

/**
 * Which end users signed in by Identity-Aware Proxy may call: the {@code email} of a
 * verified IAP assertion. A service account caller is never an IAP user, and an IAP user
 * never a caller of {@link AllowedCallers}, whatever their emails.
 * <ul>
 * <li>{@link #of(Collection)}: the listed users, each an exact email or {@code *@DOMAIN},
 * which admits the members of the Google Workspace organization DOMAIN: the assertion's
 * {@code hd} must be DOMAIN as well as its email's domain (a Google account can be made
 * for any address, so the address alone proves no membership); an empty list admits
 * nobody;</li>
 * <li>{@link #anyUser()}: every user IAP let through, as IAP's access policy
 * ({@code roles/iap.httpsResourceAccessor}) decides.</li>
 * </ul>
 */
final class IapUsers {

	private final List<CallerPattern> patterns;

	private final boolean anyUser;

	private IapUsers(List<CallerPattern> patterns, boolean anyUser) {
		this.patterns = patterns;
		this.anyUser = anyUser;
	}

	/**
	 * Allow the given users.
	 * @param entries exact emails, such as {@code alice@example.com}, or
	 * {@code *@DOMAIN}, such as {@code *@example.com}; none allows nobody
	 * @return the allowed users
	 * @throws IllegalArgumentException if an entry is neither
	 */
	static IapUsers of(Collection<String> entries) {
		Assert.notNull(entries, "entries cannot be null");
		return new IapUsers(entries.stream().map((entry) -> CallerPattern.parse(entry.trim())).toList(), false);
	}

	/**
	 * Allow every user IAP signed in: IAP's access policy decides who may call.
	 * @return the allowed users
	 */
	static IapUsers anyUser() {
		return new IapUsers(List.of(), true);
	}

	/**
	 * Return whether an authentication is an allowed IAP user.
	 * @param authentication the authentication, if any
	 * @return {@code true} if it was built from a verified IAP assertion whose user this
	 * rule admits
	 */
	public boolean allows(@Nullable Authentication authentication) {
		IapAssertion assertion = IapAssertion.of(authentication);
		String email = (assertion != null) ? assertion.foldedEmail() : null;
		if (email == null) {
			return false;
		}
		if (this.anyUser) {
			return true;
		}
		for (CallerPattern pattern : this.patterns) {
			if (pattern.matches(email)
					&& (pattern.email() != null || pattern.domain().equals(assertion.foldedHostedDomain()))) {
				return true;
			}
		}
		return false;
	}

	@Override
	public String toString() {
		return this.anyUser ? "any user IAP admits" : this.patterns.isEmpty() ? "nobody" : this.patterns.toString();
	}

}
