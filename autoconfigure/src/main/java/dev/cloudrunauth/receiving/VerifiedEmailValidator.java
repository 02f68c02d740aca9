package dev.cloudrunauth.receiving;

import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * Validates that the token names its caller: {@code email} an ASCII address and
 * {@code email_verified} the JSON boolean {@code true}, as Google issues them (not the
 * string {@code "true"}). Service account tokens carry both when minted with
 * {@code format=full} (metadata server) or {@code includeEmail} (impersonation).
 */
final class VerifiedEmailValidator implements OAuth2TokenValidator<Jwt> {

	private final boolean verifiedClaimRequired;

	VerifiedEmailValidator() {
		this(true);
	}

	/**
	 * Create a validator.
	 * @param verifiedClaimRequired whether {@code email_verified} must be {@code true};
	 * IAP's assertions carry no such claim, as IAP signed the user in itself
	 */
	VerifiedEmailValidator(boolean verifiedClaimRequired) {
		this.verifiedClaimRequired = verifiedClaimRequired;
	}

	@Override
	public OAuth2TokenValidatorResult validate(Jwt jwt) {
		Assert.notNull(jwt, "jwt cannot be null");
		Object email = jwt.getClaims().get("email");
		if (!(email instanceof String value) || !StringUtils.hasText(value)) {
			return IdTokenError.failure(RejectionReason.EMAIL);
		}
		if (!Emails.isAddress(value)) {
			return IdTokenError.failure(RejectionReason.EMAIL_INVALID);
		}
		if (this.verifiedClaimRequired && !Boolean.TRUE.equals(jwt.getClaims().get("email_verified"))) {
			return IdTokenError.failure(RejectionReason.EMAIL_NOT_VERIFIED);
		}
		return OAuth2TokenValidatorResult.success();
	}

}
