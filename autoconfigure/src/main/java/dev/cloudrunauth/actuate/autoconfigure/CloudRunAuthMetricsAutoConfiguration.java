package dev.cloudrunauth.actuate.autoconfigure;

import dev.cloudrunauth.actuate.CloudRunAuthMeters;
import dev.cloudrunauth.calling.CallingTargets;
import dev.cloudrunauth.calling.GoogleIdTokenSource;
import dev.cloudrunauth.calling.IdTokenMintListener;
import dev.cloudrunauth.calling.autoconfigure.CloudRunCallingAutoConfiguration;
import dev.cloudrunauth.receiving.SigningKeyCache;
import dev.cloudrunauth.receiving.VerificationListener;
import dev.cloudrunauth.receiving.VerifiedTokenCache;
import dev.cloudrunauth.receiving.autoconfigure.CloudRunReceivingAutoConfiguration;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of the
 * {@code cloudrun.auth.*} meters (see {@link CloudRunAuthMeters}) when Micrometer has a {@link MeterRegistry}.
 */
@AutoConfiguration(after = { CloudRunCallingAutoConfiguration.class, CloudRunReceivingAutoConfiguration.class },
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
public final class CloudRunAuthMetricsAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "com.google.auth.oauth2.IdTokenProvider")
	@ConditionalOnBean(CallingTargets.class)
	static class CallingMetricsConfiguration {

		@Bean
		IdTokenMintListener cloudRunMintTimer(MeterRegistry registry, CallingTargets targets) {
			return CloudRunAuthMeters.mintTimer(registry, targets);
		}

		@Bean
		MeterBinder cloudRunTokenCacheMeters(ObjectProvider<GoogleIdTokenSource> source) {
			return (registry) -> source.ifAvailable((tokens) -> {
				FunctionCounter.builder(CloudRunAuthMeters.TOKEN_CACHE, tokens, GoogleIdTokenSource::cacheHits)
					.description("Calls answered from the ID token cache, or not")
					.tag("result", "hit")
					.register(registry);
				FunctionCounter.builder(CloudRunAuthMeters.TOKEN_CACHE, tokens, GoogleIdTokenSource::cacheMisses)
					.description("Calls answered from the ID token cache, or not")
					.tag("result", "miss")
					.register(registry);
			});
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(SigningKeyCache.class)
	static class ReceivingMetricsConfiguration {

		@Bean
		VerificationListener cloudRunVerificationCounter(MeterRegistry registry) {
			return CloudRunAuthMeters.verificationCounter(registry);
		}

		@Bean
		MeterBinder cloudRunReceivingMeters(SigningKeyCache keys, ObjectProvider<VerifiedTokenCache> verifiedTokens) {
			return (registry) -> {
				FunctionCounter.builder(CloudRunAuthMeters.JWKS_FETCHES, keys, SigningKeyCache::successfulFetches)
					.description("Fetches of Google's signing keys")
					.tag("outcome", "success")
					.register(registry);
				FunctionCounter.builder(CloudRunAuthMeters.JWKS_FETCHES, keys, SigningKeyCache::failedFetches)
					.description("Fetches of Google's signing keys")
					.tag("outcome", "failure")
					.register(registry);
				verifiedTokens.ifAvailable((cache) -> {
					FunctionCounter.builder(CloudRunAuthMeters.VERIFIED_TOKENS, cache, VerifiedTokenCache::hits)
						.description("Lookups of the verified-token cache")
						.tag("result", "hit")
						.register(registry);
					FunctionCounter.builder(CloudRunAuthMeters.VERIFIED_TOKENS, cache, VerifiedTokenCache::misses)
						.description("Lookups of the verified-token cache")
						.tag("result", "miss")
						.register(registry);
				});
			};
		}

	}

}
