package dev.cloudrunauth.receiving;

import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the web security of reactive (WebFlux) applications that receive
 * calls: a default security filter chain for Google ID tokens, and reactive method
 * security for {@code @PreAuthorize} and {@code @AllowCallers}.
 */
@AutoConfiguration(
		after = { CloudRunReceivingAutoConfiguration.class, CloudRunReceivingReactiveAutoConfiguration.class },
		beforeName = {
				"org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.reactive.ReactiveOAuth2ResourceServerWebSecurityAutoConfiguration",
				"org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration",
				"org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration",
				"org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration" })
@ConditionalOnClass({ ReactiveJwtDecoder.class, ServerHttpSecurity.class, Mono.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnCloudRunReceivingEnabled
@ConditionalOnBean(ReceivingSettings.class)
@Import({ ReceivingSecurityWebFilterChainConfiguration.class, ReactiveCallerMethodSecurityConfiguration.class })
public final class CloudRunReceivingReactiveWebSecurityAutoConfiguration {

}
