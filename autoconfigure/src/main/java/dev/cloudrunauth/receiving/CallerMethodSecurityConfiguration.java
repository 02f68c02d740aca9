package dev.cloudrunauth.receiving;

import org.springframework.aop.Advisor;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;

/**
 * Method security of a servlet application that receives calls: the {@code caller} bean
 * of {@code @PreAuthorize} expressions, and {@code @PreAuthorize} and
 * {@code @AllowCallers} enforced when a bean uses a method-security annotation (or
 * {@code cloudrun.auth.receiving.method-security} is {@code true}).
 */
@Configuration(proxyBeanMethods = false)
class CallerMethodSecurityConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "caller")
	CallerExpressions caller() {
		return new CallerExpressions();
	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(OnMethodSecurityCondition.class)
	static class EnforcedConfiguration {

		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		static Advisor allowCallersAuthorizationAdvisor(Environment environment) {
			return AllowCallersMethodAuthorization.advisor(environment);
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnMissingBean(name = "preAuthorizeAuthorizationMethodInterceptor")
		@EnableMethodSecurity
		static class EnableMethodSecurityConfiguration {

		}

	}

}
