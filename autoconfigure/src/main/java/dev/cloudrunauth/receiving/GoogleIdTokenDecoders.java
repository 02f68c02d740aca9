package dev.cloudrunauth.receiving;

import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * How the blocking decoders of one application are built, the service's and each path
 * rule's: the same keys, mode, invoker IAM check, timeout and observations, with the
 * claim validation and the part of the verified-token cache of each. Servlet applications
 * and gRPC servers use it.
 *
 * @param keys the signing keys
 * @param settings the receiving settings
 * @param properties the receiving properties
 * @param invokerIam the check of Cloud Run's invoker IAM setting, in trust mode
 * @param observations the observation registry
 */
record GoogleIdTokenDecoders(SigningKeyCache keys, ReceivingSettings settings, CloudRunReceivingProperties properties,
		@Nullable InvokerIamCheck invokerIam, ObservationRegistry observations) {

	static GoogleIdTokenDecoders of(SigningKeyCache keys, ReceivingSettings settings,
			CloudRunReceivingProperties properties, ObjectProvider<InvokerIamCheck> invokerIam,
			ObjectProvider<ObservationRegistry> observations) {
		return new GoogleIdTokenDecoders(keys, settings, properties, invokerIam.getIfAvailable(),
				observations.getIfAvailable(() -> ObservationRegistry.NOOP));
	}

	/**
	 * Build a decoder.
	 * @param validation the claim validation, audiences included
	 * @param verifiedTokens the verified-token cache, or its scope of a path rule, if any
	 * @return the decoder
	 */
	GoogleIdTokenDecoder create(OAuth2TokenValidator<Jwt> validation, @Nullable VerifiedTokenCache verifiedTokens) {
		return GoogleIdTokenDecoder.withSigningKeys(this.keys)
			.claimValidation(validation)
			.trustCloudRunIam(this.settings.trustCloudRunIam())
			.invokerIamCheck(this.invokerIam)
			.jwkSetTimeout(this.properties.jwkSetTimeout())
			.verifiedTokenCache(verifiedTokens)
			.observationRegistry(this.observations)
			.build();
	}

	/**
	 * Build the decoder of a path rule: its audiences, its scope of the verified-token
	 * cache.
	 * @param rule the rule
	 * @param validation the claim validation
	 * @param callers the rule's callers
	 * @param verifiedTokens the verified-token cache, if any
	 * @return the decoder
	 */
	GoogleIdTokenDecoder create(PathRules.Rule rule, CloudRunReceivingAutoConfiguration.IdTokenValidation validation,
			AllowedCallers callers, @Nullable VerifiedTokenCache verifiedTokens) {
		return create(validation.forAudiences().apply(rule.audiences()),
				(verifiedTokens != null) ? verifiedTokens.scope(rule.name(), callers) : null);
	}

}
