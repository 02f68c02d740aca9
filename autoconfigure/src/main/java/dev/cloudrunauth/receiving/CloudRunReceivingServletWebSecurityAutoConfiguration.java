package dev.cloudrunauth.receiving;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the web security of servlet applications that receive calls: a
 * default security filter chain for Google ID tokens, and method security for
 * {@code @PreAuthorize}, {@code @caller} and {@code @AllowCallers}.
 */
@AutoConfiguration(
		after = { CloudRunReceivingAutoConfiguration.class, CloudRunReceivingServletAutoConfiguration.class },
		beforeName = {
				"org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.OAuth2ResourceServerWebSecurityAutoConfiguration",
				"org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
				"org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
				"org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
				"org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration" })
@ConditionalOnClass({ JwtDecoder.class, HttpSecurity.class, BearerTokenResolver.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnCloudRunReceivingEnabled
@ConditionalOnBean(ReceivingSettings.class)
@Import({ ReceivingSecurityFilterChainConfiguration.class, CallerMethodSecurityConfiguration.class })
public final class CloudRunReceivingServletWebSecurityAutoConfiguration {

}
