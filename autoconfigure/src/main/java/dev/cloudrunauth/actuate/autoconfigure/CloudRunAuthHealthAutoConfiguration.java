package dev.cloudrunauth.actuate.autoconfigure;

import dev.cloudrunauth.actuate.CloudRunCallingHealthIndicator;
import dev.cloudrunauth.actuate.CloudRunReceivingHealthIndicator;
import dev.cloudrunauth.calling.CallingTargets;
import dev.cloudrunauth.calling.GoogleIdTokenSource;
import dev.cloudrunauth.calling.autoconfigure.CloudRunCallingAutoConfiguration;
import dev.cloudrunauth.receiving.InvokerIamCheck;
import dev.cloudrunauth.receiving.SigningKeyCache;
import dev.cloudrunauth.receiving.autoconfigure.CloudRunReceivingAutoConfiguration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of the health contributors
 * {@code cloudRunCalling} and {@code cloudRunReceiving}.
 */
@AutoConfiguration(after = { CloudRunCallingAutoConfiguration.class, CloudRunReceivingAutoConfiguration.class })
@ConditionalOnClass(HealthIndicator.class)
public final class CloudRunAuthHealthAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "com.google.auth.oauth2.IdTokenProvider")
	@ConditionalOnBean({ GoogleIdTokenSource.class, CallingTargets.class })
	@ConditionalOnEnabledHealthIndicator("cloudrun-calling")
	static class CallingHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "cloudRunCallingHealthIndicator")
		CloudRunCallingHealthIndicator cloudRunCallingHealthIndicator(GoogleIdTokenSource source,
				CallingTargets targets) {
			return new CloudRunCallingHealthIndicator(source, targets);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(SigningKeyCache.class)
	@ConditionalOnEnabledHealthIndicator("cloudrun-receiving")
	static class ReceivingHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "cloudRunReceivingHealthIndicator")
		CloudRunReceivingHealthIndicator cloudRunReceivingHealthIndicator(SigningKeyCache keys,
				ObjectProvider<InvokerIamCheck> invokerIam) {
			return new CloudRunReceivingHealthIndicator(keys, invokerIam.getIfAvailable());
		}

	}

}
