package dev.cloudrunauth.calling;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the {@code cloudRunCalling} health contributor.
 */
@AutoConfiguration(after = CloudRunCallingAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, com.google.auth.oauth2.IdTokenProvider.class })
@ConditionalOnBean({ GoogleIdTokenSource.class, CallingTargets.class })
@ConditionalOnEnabledHealthIndicator("cloudrun-calling")
public final class CloudRunCallingHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "cloudRunCallingHealthIndicator")
	CloudRunCallingHealthIndicator cloudRunCallingHealthIndicator(GoogleIdTokenSource source, CallingTargets targets) {
		return new CloudRunCallingHealthIndicator(source, targets);
	}

}
