package dev.cloudrunauth.receiving;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * A {@link Jwt} that this library verified as a Google ID token (or, in trust mode, that
 * Cloud Run's IAM check verified). Caller rules match only these: an authentication of
 * another kind (HTTP Basic, form login, another decoder's JWT) named like an allowed
 * service account is no Google identity.
 */
final class VerifiedIdToken extends Jwt {

	private static final AuthenticationTrustResolver trustResolver = new AuthenticationTrustResolverImpl();

	private final @Nullable String foldedEmail;

	VerifiedIdToken(String tokenValue, @Nullable Instant issuedAt, @Nullable Instant expiresAt,
			Map<String, Object> headers, Map<String, Object> claims) {
		super(tokenValue, issuedAt, expiresAt, headers, claims);
		Object email = claims.get("email");
		this.foldedEmail = (email instanceof String value && Emails.isAddress(value)) ? Emails.foldCase(value) : null;
	}

	/**
	 * Return the caller's email with ASCII letters in lower case, if it is a valid
	 * address (the default validation refuses tokens without one; a decoder built without
	 * it may let them through, and they then match no rule).
	 * @return the email, or {@code null}
	 */
	@Nullable String foldedEmail() {
		return this.foldedEmail;
	}

	/**
	 * Return the verified Google ID token an authentication was built from.
	 * @param authentication the authentication, if any
	 * @return the token, or {@code null} if the authentication is absent, not
	 * authenticated, or not built from one
	 */
	static @Nullable VerifiedIdToken of(@Nullable Authentication authentication) {
		if (!trustResolver.isAuthenticated(authentication)) {
			return null;
		}
		if (authentication.getPrincipal() instanceof VerifiedIdToken token) {
			return token;
		}
		return (authentication.getCredentials() instanceof VerifiedIdToken token) ? token : null;
	}

}
