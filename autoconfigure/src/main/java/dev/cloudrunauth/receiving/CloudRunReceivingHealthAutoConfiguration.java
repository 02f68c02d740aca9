package dev.cloudrunauth.receiving;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the {@code cloudRunReceiving} health contributor.
 */
@AutoConfiguration(after = CloudRunReceivingAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(SigningKeyCache.class)
@ConditionalOnEnabledHealthIndicator("cloudrun-receiving")
public final class CloudRunReceivingHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "cloudRunReceivingHealthIndicator")
	CloudRunReceivingHealthIndicator cloudRunReceivingHealthIndicator(SigningKeyCache keys,
			ObjectProvider<InvokerIamCheck> invokerIam, ObjectProvider<IapAssertions> iap) {
		IapAssertions assertions = iap.getIfAvailable();
		return new CloudRunReceivingHealthIndicator(keys, invokerIam.getIfAvailable(),
				(assertions != null) ? assertions.keys() : null);
	}

}
