package dev.cloudrunauth.calling;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of the calling side's
 * {@code cloudrun.auth.*} meters when Micrometer has a {@link MeterRegistry}.
 */
@AutoConfiguration(after = CloudRunCallingAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass({ MeterRegistry.class, com.google.auth.oauth2.IdTokenProvider.class })
@ConditionalOnBean({ MeterRegistry.class, CallingTargets.class })
public final class CloudRunCallingMetricsAutoConfiguration {

	@Bean
	IdTokenMintListener cloudRunMintTimer(MeterRegistry registry, CallingTargets targets) {
		return CallingMeters.mintTimer(registry, targets);
	}

	@Bean
	MeterBinder cloudRunTokenCacheMeters(ObjectProvider<GoogleIdTokenSource> source) {
		return (registry) -> source.ifAvailable((tokens) -> {
			FunctionCounter.builder(CallingMeters.TOKEN_CACHE, tokens, GoogleIdTokenSource::cacheHits)
				.description("Calls answered from the ID token cache, or not")
				.tag("result", "hit")
				.register(registry);
			FunctionCounter.builder(CallingMeters.TOKEN_CACHE, tokens, GoogleIdTokenSource::cacheMisses)
				.description("Calls answered from the ID token cache, or not")
				.tag("result", "miss")
				.register(registry);
		});
	}

}
