package dev.cloudrunauth.receiving;

import java.util.Collection;
import java.util.List;
import java.util.Set;

import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.util.Assert;

/**
 * Validates that {@code aud} names at least one of this service's audiences: its URL,
 * custom audiences, or the push endpoints and target URLs that Google's own senders use
 * as audience.
 */
final class AudienceValidator implements OAuth2TokenValidator<Jwt> {

	private final Set<String> audiences;

	/**
	 * Create a validator.
	 * @param audiences the accepted audiences
	 */
	public AudienceValidator(Collection<String> audiences) {
		Assert.notEmpty(audiences, "audiences cannot be empty");
		this.audiences = Set.copyOf(audiences);
	}

	@Override
	public OAuth2TokenValidatorResult validate(Jwt jwt) {
		Assert.notNull(jwt, "jwt cannot be null");
		List<String> audience = jwt.getAudience();
		if (audience != null) {
			for (String candidate : audience) {
				if (candidate != null && this.audiences.contains(candidate)) {
					return OAuth2TokenValidatorResult.success();
				}
			}
		}
		return IdTokenError.failure(RejectionReason.AUDIENCE);
	}

}
