package dev.cloudrunauth.receiving;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import com.nimbusds.jose.JWSAlgorithm;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import dev.cloudrunauth.GoogleIdentityConnectionDetails;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of what the servlet and reactive receiving sides share: the
 * validated settings, who may call, Google's signing keys (fetched with the application's
 * HTTP client settings), the claim validation, the caller's email as principal name, the
 * meters of the verified-token cache, and, in trust mode on Cloud Run, the check of the
 * invoker IAM setting.
 *
 * @see CloudRunReceivingProperties
 */
@AutoConfiguration(beforeName = {
		"org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration",
		"org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration" })
@ConditionalOnClass({ JwtDecoder.class, BearerTokenAuthenticationToken.class })
@Conditional(OnReceivingApplicationCondition.class)
@ConditionalOnCloudRunReceivingEnabled
@EnableConfigurationProperties(CloudRunReceivingProperties.class)
@Import(IapConfiguration.class)
public final class CloudRunReceivingAutoConfiguration {

	@Bean
	ReceivingSettings cloudRunReceivingSettings(CloudRunReceivingProperties properties, Environment environment,
			ObjectProvider<GoogleIdentityConnectionDetails> connectionDetails) {
		ReceivingSettings settings = ReceivingSettings.of(properties, environment, connectionDetails.getIfAvailable());
		settings.logSummary();
		return settings;
	}

	@Bean(initMethod = "start")
	@ConditionalOnMissingBean
	@Conditional(OnInvokerIamCheckCondition.class)
	InvokerIamCheck invokerIamCheck(ReceivingSettings settings, CloudRunReceivingProperties properties,
			ObjectProvider<GoogleRequests> requests) {
		return new InvokerIamCheck(settings.service(), URI.create(settings.metadataUri()),
				URI.create(properties.cloudRunApiUri().trim()), requestFactory(requests, properties.jwkSetTimeout()),
				properties.checkInvokerIamInterval(), properties.jwkSetTimeout());
	}

	@Bean
	CallerRule cloudRunCallerRule(ReceivingSettings settings, ObjectProvider<InvokerIamCheck> invokerIam) {
		return new CallerRule(settings.callers(invokerIam.getIfAvailable()));
	}

	@Bean
	@ConditionalOnMissingBean
	SigningKeyCache signingKeyCache(ReceivingSettings settings, CloudRunReceivingProperties properties,
			ObjectProvider<GoogleRequests> requests, ObjectProvider<ObservationRegistry> observations) {
		Duration timeout = properties.jwkSetTimeout();
		return new SigningKeyCache(settings.jwkSetUri(), requestFactory(requests, timeout),
				observations.getIfAvailable(() -> ObservationRegistry.NOOP), JWSAlgorithm.RS256,
				properties.jwkSetRefetchInterval(), timeout, Clock.systemUTC());
	}

	@Bean
	InitialKeyFetch cloudRunInitialKeyFetch(SigningKeyCache keys) {
		return new InitialKeyFetch(keys::start);
	}

	@Bean
	PathRules cloudRunPathRules(CloudRunReceivingProperties properties, ReceivingSettings settings) {
		PathRules rules = PathRules.of(properties.paths(), settings);
		rules.logSummary();
		return rules;
	}

	@Bean
	IdTokenValidation cloudRunIdTokenValidation(ReceivingSettings settings,
			ObjectProvider<OAuth2TokenValidator<Jwt>> additionalValidators) {
		List<OAuth2TokenValidator<Jwt>> additional = additionalValidators.orderedStream().toList();
		Function<List<String>, OAuth2TokenValidator<Jwt>> forAudiences = (audiences) -> IdTokenValidators.createDefault(
				settings.issuers(), audiences, settings.clockSkew(), settings.maxTokenLifetime(), additional);
		return new IdTokenValidation(forAudiences.apply(settings.audiences()), forAudiences);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "cloudrun.auth.receiving.verified-tokens.enabled", matchIfMissing = true)
	VerifiedTokenCache verifiedTokenCache(CloudRunReceivingProperties properties, ReceivingSettings settings,
			CallerRule callers) {
		int maxSize = properties.verifiedTokens().maxSize();
		if (maxSize < 1) {
			throw new InvalidConfigurationPropertyValueException("cloudrun.auth.receiving.verified-tokens.max-size",
					maxSize, "Must be at least 1; set cloudrun.auth.receiving.verified-tokens.enabled=false instead");
		}
		return new VerifiedTokenCache(maxSize, settings.clockSkew(), callers.callers(), Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	JwtAuthenticationConverter jwtAuthenticationConverter() {
		JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
		converter.setPrincipalClaimName("email");
		return converter;
	}

	@Bean
	MethodSecurityStartupCheck cloudRunMethodSecurityStartupCheck(ConfigurableListableBeanFactory beanFactory,
			Environment environment) {
		return new MethodSecurityStartupCheck(beanFactory, environment);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ HttpClientSettings.class, ClientHttpRequestFactoryBuilder.class })
	static class HttpClientSettingsConfiguration {

		@Bean
		GoogleRequests cloudRunGoogleRequests(CloudRunReceivingProperties properties,
				ObjectProvider<ClientHttpRequestFactoryBuilder<?>> builder,
				ObjectProvider<HttpClientSettings> settings) {
			Duration timeout = properties.jwkSetTimeout();
			HttpClientSettings application = settings.getIfAvailable(HttpClientSettings::defaults);
			HttpClientSettings fetches = application
				.withTimeouts(min(application.connectTimeout(), timeout), min(application.readTimeout(), timeout))
				.withRedirects(HttpRedirects.DONT_FOLLOW);
			ClientHttpRequestFactoryBuilder<?> configured = builder.getIfUnique();
			return new GoogleRequests(SingletonSupplier
				.of(() -> ((configured != null) ? configured : ClientHttpRequestFactoryBuilder.jdk()).build(fetches)));
		}

		private static Duration min(@Nullable Duration setting, Duration timeout) {
			return (setting != null && setting.compareTo(timeout) < 0) ? setting : timeout;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static class MetricsConfiguration {

		@Bean
		MeterBinder cloudRunVerifiedTokenMeters(ObjectProvider<VerifiedTokenCache> verifiedTokens) {
			return (registry) -> verifiedTokens.ifAvailable((cache) -> {
				FunctionCounter.builder(ReceivingObservations.VERIFIED_TOKENS, cache, VerifiedTokenCache::hits)
					.description("Lookups of the verified-token cache")
					.tag("result", "hit")
					.register(registry);
				FunctionCounter.builder(ReceivingObservations.VERIFIED_TOKENS, cache, VerifiedTokenCache::misses)
					.description("Lookups of the verified-token cache")
					.tag("result", "miss")
					.register(registry);
			});
		}

	}

	private static Supplier<ClientHttpRequestFactory> requestFactory(ObjectProvider<GoogleRequests> requests,
			Duration timeout) {
		GoogleRequests configured = requests.getIfAvailable();
		return (configured != null) ? configured.factory() : JwkSetFetcher.defaultRequestFactory(timeout);
	}

	/**
	 * How key fetches and the Cloud Run Admin API are called: a request factory built
	 * from Spring Boot's HTTP client settings, created on the first call, on a thread of
	 * the caller's.
	 *
	 * @param factory the request factory
	 */
	record GoogleRequests(Supplier<ClientHttpRequestFactory> factory) {
	}

	/**
	 * The claim validation, kept out of the {@code OAuth2TokenValidator} beans that are
	 * added to it.
	 *
	 * @param validator the validator, for the service's audiences
	 * @param forAudiences the same validation for other audiences, those of a path rule
	 */
	record IdTokenValidation(OAuth2TokenValidator<Jwt> validator,
			Function<List<String>, OAuth2TokenValidator<Jwt>> forAudiences) {
	}

	/**
	 * Who may call at all ({@code allowed-callers}), kept out of any
	 * {@link AllowedCallers} an application defines.
	 *
	 * @param callers the allowed callers
	 */
	record CallerRule(AllowedCallers callers) {
	}

}
