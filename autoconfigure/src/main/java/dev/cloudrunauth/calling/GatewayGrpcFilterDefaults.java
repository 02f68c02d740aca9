package dev.cloudrunauth.calling;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;

/**
 * Keeps Spring Cloud Gateway server-webflux starting beside google-auth-library, which
 * brings {@code io.grpc:grpc-api}: the gateway's {@code JsonToGrpc} filter is configured
 * whenever {@code io.grpc.Channel} is present, and then fails startup for want of
 * {@code io.grpc.netty.NettyChannelBuilder}, which only {@code grpc-netty} has. Without
 * it the filter cannot work anyway, so it is switched off by default
 * ({@code spring.cloud.gateway.server.webflux.filter.json-to-grpc.enabled=false}, the
 * lowest-precedence property source: the application's own setting wins).
 */
class GatewayGrpcFilterDefaults implements EnvironmentPostProcessor, Ordered {

	static final String PROPERTY = "spring.cloud.gateway.server.webflux.filter.json-to-grpc.enabled";

	private static final String SOURCE_NAME = "cloudrunAuthGatewayDefaults";

	private static final String JSON_TO_GRPC = "org.springframework.cloud.gateway.filter.factory.JsonToGrpcGatewayFilterFactory";

	private static final String GRPC_NETTY = "io.grpc.netty.NettyChannelBuilder";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		ClassLoader classLoader = application.getClassLoader();
		if (environment.getPropertySources().contains(SOURCE_NAME) || !ClassUtils.isPresent(JSON_TO_GRPC, classLoader)
				|| ClassUtils.isPresent(GRPC_NETTY, classLoader)) {
			return;
		}
		environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, Map.of(PROPERTY, "false")));
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
