package dev.cloudrunauth.receiving;

import org.springframework.aop.Advisor;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.security.config.annotation.method.configuration.EnableReactiveMethodSecurity;

/**
 * Reactive method security of an application that receives calls: {@code @PreAuthorize}
 * and {@code @AllowCallers} enforced when a bean uses a method-security annotation (or
 * {@code cloudrun.auth.receiving.method-security} is {@code true}).
 */
@Configuration(proxyBeanMethods = false)
@Conditional(OnMethodSecurityCondition.class)
class ReactiveCallerMethodSecurityConfiguration {

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static Advisor reactiveAllowCallersAuthorizationAdvisor(Environment environment) {
		return AllowCallersMethodAuthorization.reactiveAdvisor(environment);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(name = "preAuthorizeAuthorizationMethodInterceptor")
	@EnableReactiveMethodSecurity
	static class EnableReactiveMethodSecurityConfiguration {

	}

}
