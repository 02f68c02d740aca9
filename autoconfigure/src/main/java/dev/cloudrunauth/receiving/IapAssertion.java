package dev.cloudrunauth.receiving;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * A {@link Jwt} that this library verified as IAP's signed header
 * ({@code x-goog-iap-jwt-assertion}): an end user whom Identity-Aware Proxy signed in,
 * not a service account. It is no {@link VerifiedIdToken}, so no caller rule
 * ({@code allowed-callers}, {@code @AllowCallers}, {@code @caller.in}) matches it, even
 * under an email that rule names; only {@link IapUsers} do.
 */
final class IapAssertion extends Jwt {

	private static final AuthenticationTrustResolver trustResolver = new AuthenticationTrustResolverImpl();

	private final @Nullable String foldedEmail;

	private final @Nullable String foldedHostedDomain;

	IapAssertion(String tokenValue, @Nullable Instant issuedAt, @Nullable Instant expiresAt,
			Map<String, Object> headers, Map<String, Object> claims) {
		super(tokenValue, issuedAt, expiresAt, headers, claims);
		Object email = claims.get("email");
		this.foldedEmail = (email instanceof String value && Emails.isAddress(value)) ? Emails.foldCase(value) : null;
		Object domain = claims.get("hd");
		this.foldedHostedDomain = (domain instanceof String value && Emails.isDomain(value)) ? Emails.foldCase(value)
				: null;
	}

	/**
	 * Return the user's email with ASCII letters in lower case, if it is a valid address.
	 * @return the email, or {@code null}
	 */
	@Nullable String foldedEmail() {
		return this.foldedEmail;
	}

	/**
	 * Return the user's Google Workspace domain ({@code hd}) in lower case, if any.
	 * @return the domain, or {@code null} for accounts outside a Workspace organization
	 */
	@Nullable String foldedHostedDomain() {
		return this.foldedHostedDomain;
	}

	/**
	 * Return the verified IAP assertion an authentication was built from.
	 * @param authentication the authentication, if any
	 * @return the assertion, or {@code null} if the authentication is absent, not
	 * authenticated, or not built from one
	 */
	static @Nullable IapAssertion of(@Nullable Authentication authentication) {
		if (!trustResolver.isAuthenticated(authentication)) {
			return null;
		}
		if (authentication.getPrincipal() instanceof IapAssertion assertion) {
			return assertion;
		}
		return (authentication.getCredentials() instanceof IapAssertion assertion) ? assertion : null;
	}

}
