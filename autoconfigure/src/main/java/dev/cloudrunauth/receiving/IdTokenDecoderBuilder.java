package dev.cloudrunauth.receiving;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.util.Assert;

/**
 * Settings shared by the builders of {@link GoogleIdTokenDecoder} and {@link ReactiveGoogleIdTokenDecoder}.
 *
 * @param <B> the builder type
 */
abstract class IdTokenDecoderBuilder<B extends IdTokenDecoderBuilder<B>> {

	private final SigningKeyCache keys;

	private @Nullable OAuth2TokenValidator<Jwt> validator;

	private boolean trustCloudRunIam;

	private Duration keyTimeout = Duration.ofSeconds(5);

	private @Nullable VerifiedTokenCache verifiedTokens;

	private @Nullable InvokerIamCheck invokerIam;

	private VerificationListener listener = VerificationListener.NONE;

	IdTokenDecoderBuilder(SigningKeyCache keys) {
		Assert.notNull(keys, "keys cannot be null");
		this.keys = keys;
	}

	/**
	 * Validate claims with the given validator, typically from {@link IdTokenValidators}.
	 * @param validator the validator
	 * @return this builder
	 */
	public B validator(OAuth2TokenValidator<Jwt> validator) {
		Assert.notNull(validator, "validator cannot be null");
		this.validator = validator;
		return self();
	}

	/**
	 * Accept tokens whose signature Cloud Run's IAM invoker check removed. Only for services behind that check.
	 * @param trustCloudRunIam whether to accept such tokens
	 * @return this builder
	 */
	public B trustCloudRunIam(boolean trustCloudRunIam) {
		this.trustCloudRunIam = trustCloudRunIam;
		return self();
	}

	/**
	 * In trust mode, refuse tokens whose signature was removed while the given check finds Cloud Run's invoker IAM
	 * check off for this service, and let the first such tokens wait (at most the key timeout) for its first outcome.
	 * @param invokerIam the check, or {@code null} to trust without checking
	 * @return this builder
	 */
	B invokerIamCheck(@Nullable InvokerIamCheck invokerIam) {
		this.invokerIam = invokerIam;
		return self();
	}

	/**
	 * Wait at most this long for the keys when a token's key is not known yet (and, in trust mode, for the first
	 * check of the invoker IAM setting).
	 * @param keyTimeout the timeout
	 * @return this builder
	 */
	public B keyTimeout(Duration keyTimeout) {
		Assert.isTrue(keyTimeout != null && keyTimeout.toMillis() > 0, "keyTimeout must be positive");
		this.keyTimeout = keyTimeout;
		return self();
	}

	/**
	 * Remember verified tokens, so that a token presented again is not verified again until it expires.
	 * @param verifiedTokens the cache, or {@code null} to verify every time
	 * @return this builder
	 */
	B verifiedTokenCache(@Nullable VerifiedTokenCache verifiedTokens) {
		this.verifiedTokens = verifiedTokens;
		return self();
	}

	/**
	 * Tell the given listener about every accepted and rejected token, for metrics.
	 * @param listener the listener
	 * @return this builder
	 */
	B verificationListener(VerificationListener listener) {
		Assert.notNull(listener, "listener cannot be null");
		this.listener = listener;
		return self();
	}

	IdTokenDecoding decoding() {
		Assert.state(this.validator != null, "A validator is required");
		return new IdTokenDecoding(this.keys, new IdTokenVerifier(this.validator, this.trustCloudRunIam),
				this.keyTimeout, this.verifiedTokens, this.invokerIam, this.listener);
	}

	@SuppressWarnings("unchecked")
	private B self() {
		return (B) this;
	}

}
