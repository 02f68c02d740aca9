package dev.cloudrunauth.springcloud;

import dev.cloudrunauth.test.LoopbackServer;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

import static dev.cloudrunauth.gateway.CloudRunGatewayFilterFunctions.cloudRunIdToken;
import static org.springframework.cloud.gateway.server.mvc.filter.BeforeFilterFunctions.stripPrefix;
import static org.springframework.cloud.gateway.server.mvc.filter.BeforeFilterFunctions.uri;
import static org.springframework.cloud.gateway.server.mvc.handler.GatewayRouterFunctions.route;
import static org.springframework.cloud.gateway.server.mvc.handler.HandlerFunctions.http;

/**
 * A gateway as users write one: routes in properties (the tests' own), and one in Java
 * with the filter, to backends on loopback that record what they get.
 */
@SpringBootApplication
class GatewayApplication {

	/** The backend declared as a calling target. */
	static final LoopbackServer declared = LoopbackServer.start();

	/** A backend that is no target. */
	static final LoopbackServer other = LoopbackServer.start();

	static final String JAVA_AUDIENCE = "https://java-route-123456789012.us-central1.run.app";

	@Bean
	RouterFunction<ServerResponse> javaRoute() {
		return route("java").GET("/java/**", http())
			.before(uri(other.url()))
			.before(stripPrefix(1))
			.filter(cloudRunIdToken(JAVA_AUDIENCE))
			.build();
	}

}
