package dev.cloudrunauth.receiving;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * The claim validation of Google ID tokens, composed from small validators.
 */
final class IdTokenValidators {

	static final String IAP_ISSUER = "https://cloud.google.com/iap";

	static final Duration IAP_MAX_LIFETIME = Duration.ofMinutes(10);

	private IdTokenValidators() {
	}

	/**
	 * Create the validator of Google ID tokens: timestamps with clock skew and a lifetime
	 * Google issues, one of the issuers, one of the audiences, and a verified email,
	 * followed by any additional validators.
	 * @param issuers the accepted issuers
	 * @param audiences the accepted audiences
	 * @param clockSkew the clock skew allowed for {@code exp}, {@code iat} and
	 * {@code nbf}
	 * @param maxLifetime the longest {@code exp - iat} accepted (Google's is one hour)
	 * @param additional further validators, applied after these
	 * @return the validator
	 */
	public static OAuth2TokenValidator<Jwt> createDefault(Collection<String> issuers, Collection<String> audiences,
			Duration clockSkew, Duration maxLifetime, Collection<? extends OAuth2TokenValidator<Jwt>> additional) {
		List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
		validators.add(new IdTokenTimestampValidator(clockSkew, maxLifetime));
		validators.add(new IssuerValidator(issuers));
		validators.add(new AudienceValidator(audiences));
		validators.add(new VerifiedEmailValidator());
		validators.addAll(additional);
		return new DelegatingOAuth2TokenValidator<>(validators);
	}

	/**
	 * Create the validator of IAP's signed headers: timestamps with clock skew and a
	 * lifetime of at most ten minutes, IAP's issuer, one of the audiences, and an email.
	 * @param audiences the accepted audiences
	 * @param clockSkew the clock skew allowed for {@code exp}, {@code iat} and
	 * {@code nbf}
	 * @return the validator
	 */
	static OAuth2TokenValidator<Jwt> createIap(Collection<String> audiences, Duration clockSkew) {
		return new DelegatingOAuth2TokenValidator<>(List.of(new IdTokenTimestampValidator(clockSkew, IAP_MAX_LIFETIME),
				new IssuerValidator(List.of(IAP_ISSUER)), new AudienceValidator(audiences),
				new VerifiedEmailValidator(false)));
	}

}
