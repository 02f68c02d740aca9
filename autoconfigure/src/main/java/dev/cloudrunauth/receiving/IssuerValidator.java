package dev.cloudrunauth.receiving;

import java.util.Collection;
import java.util.Set;

import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.util.Assert;

/**
 * Validates that {@code iss} is one of several issuers: Google issues ID tokens as
 * {@code https://accounts.google.com} and as {@code accounts.google.com}, which Spring
 * Security's single-issuer {@code JwtIssuerValidator} cannot accept together.
 */
final class IssuerValidator implements OAuth2TokenValidator<Jwt> {

	private final Set<String> issuers;

	/**
	 * Create a validator.
	 * @param issuers the accepted issuers
	 */
	public IssuerValidator(Collection<String> issuers) {
		Assert.notEmpty(issuers, "issuers cannot be empty");
		this.issuers = Set.copyOf(issuers);
	}

	@Override
	public OAuth2TokenValidatorResult validate(Jwt jwt) {
		Assert.notNull(jwt, "jwt cannot be null");
		String issuer = jwt.getClaimAsString(JwtClaimNames.ISS);
		return (issuer != null && this.issuers.contains(issuer)) ? OAuth2TokenValidatorResult.success()
				: IdTokenError.failure(RejectionReason.ISSUER);
	}

}
