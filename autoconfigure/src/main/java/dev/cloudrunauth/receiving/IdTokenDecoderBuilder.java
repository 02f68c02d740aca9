package dev.cloudrunauth.receiving;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

import com.nimbusds.jose.JWSAlgorithm;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * Settings shared by the builders of {@link GoogleIdTokenDecoder} and
 * {@link ReactiveGoogleIdTokenDecoder}. A builder from {@code withAudiences} fetches its
 * own keys; the auto-configuration's shares one key cache with the health indicator
 * instead. Defaults are those of {@link CloudRunReceivingProperties} (written out, not
 * bound: binding costs startup time; a test keeps them equal).
 *
 * @param <B> the builder type
 */
abstract class IdTokenDecoderBuilder<B extends IdTokenDecoderBuilder<B>> {

	private final @Nullable SigningKeyCache keys;

	private final List<String> audiences;

	private URI jwkSetUri = URI.create("https://www.googleapis.com/oauth2/v3/certs");

	private List<String> issuers = List.of("https://accounts.google.com", "accounts.google.com");

	private Duration clockSkew = Duration.ofSeconds(30);

	private Duration maxTokenLifetime = Duration.ofHours(1);

	private Duration jwkSetTimeout = Duration.ofSeconds(5);

	private Duration jwkSetRefetchInterval = Duration.ofSeconds(30);

	private boolean trustCloudRunIam;

	private int verifiedTokensMaxSize = 1000;

	private AllowedCallers allowedCallers = AllowedCallers.anyCaller();

	private final List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();

	private @Nullable ClientHttpRequestFactory requestFactory;

	private ObservationRegistry observations = ObservationRegistry.NOOP;

	private @Nullable OAuth2TokenValidator<Jwt> claimValidation;

	private @Nullable VerifiedTokenCache verifiedTokens;

	private @Nullable InvokerIamCheck invokerIam;

	IdTokenDecoderBuilder(Collection<String> audiences) {
		Assert.notEmpty(audiences, "audiences cannot be empty");
		Assert.noNullElements(audiences, "audiences cannot contain null");
		Assert.isTrue(audiences.stream().allMatch(StringUtils::hasText), "audiences cannot contain blank entries");
		this.keys = null;
		this.audiences = List.copyOf(audiences);
	}

	IdTokenDecoderBuilder(SigningKeyCache keys) {
		Assert.notNull(keys, "keys cannot be null");
		this.keys = keys;
		this.audiences = List.of();
		this.verifiedTokensMaxSize = 0;
	}

	/**
	 * Fetch Google's signing keys from this URI. Default:
	 * {@code https://www.googleapis.com/oauth2/v3/certs}.
	 * @param jwkSetUri the JWK Set URI, http or https
	 * @return this builder
	 */
	public B jwkSetUri(String jwkSetUri) {
		Assert.hasText(jwkSetUri, "jwkSetUri cannot be empty");
		URI uri = URI.create(jwkSetUri.trim());
		Assert.isTrue(uri.getHost() != null && ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())),
				"jwkSetUri must be an absolute http or https URL");
		this.jwkSetUri = uri;
		return self();
	}

	/**
	 * Accept these issuers. Default: both forms Google uses,
	 * {@code https://accounts.google.com} and {@code accounts.google.com}.
	 * @param issuers the issuers
	 * @return this builder
	 */
	public B issuers(String... issuers) {
		Assert.notEmpty(issuers, "issuers cannot be empty");
		Assert.noNullElements(issuers, "issuers cannot contain null");
		this.issuers = List.copyOf(Arrays.asList(issuers));
		return self();
	}

	/**
	 * Allow this clock skew for {@code exp}, {@code iat} and {@code nbf}. Default: 30
	 * seconds.
	 * @param clockSkew the clock skew
	 * @return this builder
	 */
	public B clockSkew(Duration clockSkew) {
		Assert.isTrue(clockSkew != null && !clockSkew.isNegative(), "clockSkew cannot be negative");
		this.clockSkew = clockSkew;
		return self();
	}

	/**
	 * Accept tokens living at most this long ({@code exp - iat}, before the clock skew).
	 * Default: one hour, as Google issues them.
	 * @param maxTokenLifetime the longest lifetime
	 * @return this builder
	 */
	public B maxTokenLifetime(Duration maxTokenLifetime) {
		Assert.isTrue(maxTokenLifetime != null && maxTokenLifetime.toMillis() > 0, "maxTokenLifetime must be positive");
		this.maxTokenLifetime = maxTokenLifetime;
		return self();
	}

	/**
	 * Let a key fetch take at most this long, and so a request whose key is not known yet
	 * wait at most this long (and, in trust mode, for the first check of the invoker IAM
	 * setting). Default: 5 seconds.
	 * @param jwkSetTimeout the timeout
	 * @return this builder
	 */
	public B jwkSetTimeout(Duration jwkSetTimeout) {
		Assert.isTrue(jwkSetTimeout != null && jwkSetTimeout.toMillis() > 0, "jwkSetTimeout must be positive");
		this.jwkSetTimeout = jwkSetTimeout;
		return self();
	}

	/**
	 * Let tokens with unknown key ids cause at most one key fetch per interval. Default:
	 * 30 seconds.
	 * @param jwkSetRefetchInterval the interval, at least one second
	 * @return this builder
	 */
	public B jwkSetRefetchInterval(Duration jwkSetRefetchInterval) {
		Assert.isTrue(jwkSetRefetchInterval != null && jwkSetRefetchInterval.toSeconds() >= 1,
				"jwkSetRefetchInterval must be at least 1s");
		this.jwkSetRefetchInterval = jwkSetRefetchInterval;
		return self();
	}

	/**
	 * Accept tokens whose signature Cloud Run's IAM invoker check replaced with
	 * {@code SIGNATURE_REMOVED_BY_GOOGLE}, without a signature. Only for services behind
	 * that check: anywhere else anyone can send such a token. Default: {@code false}.
	 * @param trustCloudRunIam whether to accept such tokens
	 * @return this builder
	 */
	public B trustCloudRunIam(boolean trustCloudRunIam) {
		this.trustCloudRunIam = trustCloudRunIam;
		return self();
	}

	/**
	 * Remember at most this many verified tokens, so that a token presented again is not
	 * verified again until it expires. Default: 1000; {@code 0} verifies every token
	 * every time.
	 * @param maxSize the most tokens remembered
	 * @return this builder
	 */
	public B verifiedTokens(int maxSize) {
		Assert.isTrue(maxSize >= 0, "maxSize cannot be negative");
		this.verifiedTokensMaxSize = maxSize;
		return self();
	}

	/**
	 * Remember the verified tokens of these callers only, so that others cannot push out
	 * their entries. The decoder refuses no caller: authorization does, with an
	 * {@link AllowedCallersAuthorizationManager} of the same callers. Default: any.
	 * @param allowedCallers the callers the application allows
	 * @return this builder
	 */
	public B allowedCallers(AllowedCallers allowedCallers) {
		Assert.notNull(allowedCallers, "allowedCallers cannot be null");
		this.allowedCallers = allowedCallers;
		return self();
	}

	/**
	 * Apply this validator too, after Google's (timestamps, issuer, audience, verified
	 * email). Default: none.
	 * @param validator the validator
	 * @return this builder
	 */
	public B validator(OAuth2TokenValidator<Jwt> validator) {
		Assert.notNull(validator, "validator cannot be null");
		this.validators.add(validator);
		return self();
	}

	/**
	 * Fetch the keys with this request factory, which should time out within the JWK Set
	 * timeout. Default: the JDK's HTTP client, with that timeout, not following
	 * redirects.
	 * @param requestFactory the request factory
	 * @return this builder
	 */
	public B requestFactory(ClientHttpRequestFactory requestFactory) {
		Assert.notNull(requestFactory, "requestFactory cannot be null");
		this.requestFactory = requestFactory;
		return self();
	}

	/**
	 * Observe verifications and key fetches with this registry. Default:
	 * {@link ObservationRegistry#NOOP}.
	 * @param observations the registry
	 * @return this builder
	 */
	public B observationRegistry(ObservationRegistry observations) {
		Assert.notNull(observations, "observations cannot be null");
		this.observations = observations;
		return self();
	}

	/**
	 * Validate claims with this validator instead of Google's defaults and the added
	 * validators.
	 * @param claimValidation the validator, typically from {@link IdTokenValidators}
	 * @return this builder
	 */
	B claimValidation(OAuth2TokenValidator<Jwt> claimValidation) {
		Assert.notNull(claimValidation, "claimValidation cannot be null");
		this.claimValidation = claimValidation;
		return self();
	}

	/**
	 * In trust mode, refuse unsigned tokens while this check finds Cloud Run's invoker
	 * IAM check off; the first ones wait (at most the key timeout) for its outcome.
	 * @param invokerIam the check, or {@code null} to trust without checking
	 * @return this builder
	 */
	B invokerIamCheck(@Nullable InvokerIamCheck invokerIam) {
		this.invokerIam = invokerIam;
		return self();
	}

	/**
	 * Remember verified tokens in this cache (or, {@code null}, none) rather than one of
	 * the builder's.
	 */
	B verifiedTokenCache(@Nullable VerifiedTokenCache verifiedTokens) {
		this.verifiedTokens = verifiedTokens;
		this.verifiedTokensMaxSize = 0;
		return self();
	}

	IdTokenDecoding decoding() {
		OAuth2TokenValidator<Jwt> validator = this.claimValidation;
		if (validator == null) {
			Assert.state(!this.audiences.isEmpty(), "A claim validation is required");
			validator = IdTokenValidators.createDefault(this.issuers, this.audiences, this.clockSkew,
					this.maxTokenLifetime, this.validators);
		}
		VerifiedTokenCache verifiedTokens = (this.verifiedTokensMaxSize > 0)
				? new VerifiedTokenCache(this.verifiedTokensMaxSize, this.clockSkew, this.allowedCallers,
						Clock.systemUTC())
				: this.verifiedTokens;
		SigningKeyCache keys = this.keys;
		boolean ownKeys = (keys == null);
		if (keys == null) {
			ClientHttpRequestFactory factory = this.requestFactory;
			Duration timeout = this.jwkSetTimeout;
			keys = new SigningKeyCache(this.jwkSetUri,
					(factory != null) ? () -> factory : JwkSetFetcher.defaultRequestFactory(timeout), this.observations,
					JWSAlgorithm.RS256, this.jwkSetRefetchInterval, timeout, Clock.systemUTC());
			keys.start();
		}
		return new IdTokenDecoding(keys, ownKeys, new IdTokenVerifier(validator, this.trustCloudRunIam),
				this.jwkSetTimeout, verifiedTokens, this.invokerIam, this.observations);
	}

	@SuppressWarnings("unchecked")
	private B self() {
		return (B) this;
	}

}
