package dev.cloudrunauth.receiving;

import dev.cloudrunauth.receiving.CloudRunReceivingAutoConfiguration.GoogleRequests;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * IAP mode ({@code cloudrun.auth.receiving.iap.enabled}): the settings, and IAP's keys
 * and assertion verification, which the default filter chains apply.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("cloudrun.auth.receiving.iap.enabled")

class IapConfiguration {

	@Bean
	IapSettings cloudRunIapSettings(CloudRunReceivingProperties properties, Environment environment) {
		return IapSettings.of(properties.iap(), environment);
	}

	@Bean
	IapAssertions cloudRunIapAssertions(IapSettings iap, ReceivingSettings settings,
			CloudRunReceivingProperties properties, ObjectProvider<GoogleRequests> requests,
			ObjectProvider<ObservationRegistry> observations) {
		GoogleRequests configured = requests.getIfAvailable();
		return new IapAssertions(iap,
				(configured != null) ? configured.factory()
						: JwkSetFetcher.defaultRequestFactory(properties.jwkSetTimeout()),
				observations.getIfAvailable(() -> ObservationRegistry.NOOP), properties.jwkSetRefetchInterval(),
				properties.jwkSetTimeout(), settings.clockSkew());
	}

	@Bean
	InitialKeyFetch cloudRunIapInitialKeyFetch(IapAssertions assertions) {
		return new InitialKeyFetch(assertions::start);
	}

}
