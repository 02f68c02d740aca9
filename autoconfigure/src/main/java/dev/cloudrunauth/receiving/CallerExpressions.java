package dev.cloudrunauth.receiving;

import java.util.Arrays;
import java.util.Collection;

import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Caller checks for {@code @PreAuthorize} expressions in servlet applications, registered
 * as the bean {@code caller}:
 * {@code @PreAuthorize("@caller.in('orders@p.iam.gserviceaccount.com', 'billing@...')")}.
 * Emails are compared ignoring case. Reactive applications use
 * {@link AllowCallers @AllowCallers} or {@code authentication.name}.
 */
public final class CallerExpressions {

	/**
	 * Return whether the current caller is one of the given service accounts.
	 * @param emails the allowed emails
	 * @return {@code true} if the caller is authenticated with a Google ID token whose
	 * email is one of them
	 * @throws IllegalArgumentException if an entry is neither an email nor
	 * {@code *@DOMAIN}
	 */
	public boolean in(String... emails) {
		return in(Arrays.asList(emails));
	}

	/**
	 * Return whether the current caller is one of the given service accounts.
	 * @param emails the allowed emails
	 * @return {@code true} if the caller is authenticated with a Google ID token whose
	 * email is one of them
	 * @throws IllegalArgumentException if an entry is neither an email nor
	 * {@code *@DOMAIN}
	 */
	public boolean in(Collection<String> emails) {
		if (emails.isEmpty()) {
			return false;
		}
		return AllowedCallers.of(emails).allows(SecurityContextHolder.getContext().getAuthentication());
	}

}
