package dev.cloudrunauth.gateway;

import dev.cloudrunauth.calling.CallingTargets;
import dev.cloudrunauth.calling.CloudRunCallingAutoConfiguration;
import dev.cloudrunauth.calling.IdTokenExchangeFilterFunction;
import dev.cloudrunauth.calling.IdTokenSource;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for Spring Cloud Gateway server-webflux: requests routed to a
 * declared target get its token, and the {@code CloudRunIdToken} route filter gives other
 * routes the gateway's token for an audience.
 */
@AutoConfiguration(after = CloudRunCallingAutoConfiguration.class)
@ConditionalOnClass({ GlobalFilter.class, NettyRoutingFilter.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnBean(IdTokenSource.class)
public final class CloudRunGatewayWebFluxAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	CloudRunIdTokenGatewayFilterFactory cloudRunIdTokenGatewayFilterFactory(IdTokenSource source) {
		return new CloudRunIdTokenGatewayFilterFactory(source);
	}

	@Bean
	@ConditionalOnBean({ IdTokenExchangeFilterFunction.class, CallingTargets.class })
	TargetIdTokenGlobalFilter cloudRunTargetIdTokenGlobalFilter(IdTokenExchangeFilterFunction tokens,
			CallingTargets targets) {
		return new TargetIdTokenGlobalFilter(tokens, targets);
	}

}
