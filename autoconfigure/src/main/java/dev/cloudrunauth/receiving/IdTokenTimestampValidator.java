package dev.cloudrunauth.receiving;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.util.Assert;

/**
 * Validates {@code exp} (required, not passed), {@code iat} (required, not in the
 * future), {@code nbf} (if present, not in the future), each with a clock skew, and the
 * lifetime {@code exp - iat} (at most the given one plus the clock skew: Google issues
 * tokens for an hour, so one valid for years was not issued by Google). Spring Security's
 * {@code JwtTimestampValidator} accepts tokens without {@code exp} by default and looks
 * neither at {@code iat} nor at the lifetime.
 */
final class IdTokenTimestampValidator implements OAuth2TokenValidator<Jwt> {

	private final Duration clockSkew;

	private final Duration maxLifetime;

	private Clock clock = Clock.systemUTC();

	/**
	 * Create a validator.
	 * @param clockSkew how far the issuer's clock may be from this one
	 * @param maxLifetime the longest {@code exp - iat} accepted, before the clock skew
	 */
	public IdTokenTimestampValidator(Duration clockSkew, Duration maxLifetime) {
		Assert.isTrue(clockSkew != null && !clockSkew.isNegative(), "clockSkew cannot be negative");
		Assert.isTrue(maxLifetime != null && maxLifetime.toMillis() > 0, "maxLifetime must be positive");
		this.clockSkew = clockSkew;
		this.maxLifetime = maxLifetime;
	}

	/**
	 * Use the given clock.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		Assert.notNull(clock, "clock cannot be null");
		this.clock = clock;
	}

	@Override
	public OAuth2TokenValidatorResult validate(Jwt jwt) {
		Assert.notNull(jwt, "jwt cannot be null");
		Instant now = this.clock.instant();
		Instant expiresAt = jwt.getExpiresAt();
		if (expiresAt == null || !now.minus(this.clockSkew).isBefore(expiresAt)) {
			return IdTokenError.failure(RejectionReason.EXPIRED);
		}
		Instant notBefore = jwt.getNotBefore();
		if (notBefore != null && now.plus(this.clockSkew).isBefore(notBefore)) {
			return IdTokenError.failure(RejectionReason.NOT_YET_VALID);
		}
		Instant issuedAt = (jwt.hasClaim(JwtClaimNames.IAT)) ? jwt.getIssuedAt() : null;
		if (issuedAt == null || now.plus(this.clockSkew).isBefore(issuedAt)) {
			return IdTokenError.failure(RejectionReason.ISSUED_AT);
		}
		if (issuedAt.plus(this.maxLifetime).plus(this.clockSkew).isBefore(expiresAt)) {
			return IdTokenError.failure(RejectionReason.LIFETIME);
		}
		return OAuth2TokenValidatorResult.success();
	}

}
