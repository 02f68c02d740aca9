package dev.cloudrunauth.receiving;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of the receiving side's
 * {@code cloudrun.auth.*} meters when Micrometer has a {@link MeterRegistry}.
 */
@AutoConfiguration(after = CloudRunReceivingAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, SigningKeyCache.class })
public final class CloudRunReceivingMetricsAutoConfiguration {

	@Bean
	VerificationListener cloudRunVerificationCounter(MeterRegistry registry) {
		return ReceivingMeters.verificationCounter(registry);
	}

	@Bean
	MeterBinder cloudRunReceivingMeters(SigningKeyCache keys, ObjectProvider<VerifiedTokenCache> verifiedTokens) {
		return (registry) -> {
			FunctionCounter.builder(ReceivingMeters.JWKS_FETCHES, keys, SigningKeyCache::successfulFetches)
				.description("Fetches of Google's signing keys")
				.tag("outcome", "success")
				.register(registry);
			FunctionCounter.builder(ReceivingMeters.JWKS_FETCHES, keys, SigningKeyCache::failedFetches)
				.description("Fetches of Google's signing keys")
				.tag("outcome", "failure")
				.register(registry);
			verifiedTokens.ifAvailable((cache) -> {
				FunctionCounter.builder(ReceivingMeters.VERIFIED_TOKENS, cache, VerifiedTokenCache::hits)
					.description("Lookups of the verified-token cache")
					.tag("result", "hit")
					.register(registry);
				FunctionCounter.builder(ReceivingMeters.VERIFIED_TOKENS, cache, VerifiedTokenCache::misses)
					.description("Lookups of the verified-token cache")
					.tag("result", "miss")
					.register(registry);
			});
		};
	}

}
