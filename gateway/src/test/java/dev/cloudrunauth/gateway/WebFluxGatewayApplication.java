package dev.cloudrunauth.gateway;

import dev.cloudrunauth.test.LoopbackServer;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;

/**
 * A WebFlux gateway as users write one: routes in properties (the tests' own), and one in
 * Java with the filter, to backends on loopback that record what they get.
 */
@SpringBootApplication
class WebFluxGatewayApplication {

	/** The backend declared as a calling target. */
	static final LoopbackServer declared = LoopbackServer.start();

	/** A backend that is no target. */
	static final LoopbackServer other = LoopbackServer.start();

	/** A backend declared as a target called as a service account of its own. */
	static final LoopbackServer ledger = LoopbackServer.start();

	static final String JAVA_AUDIENCE = "https://java-route-123456789012.us-central1.run.app";

	@Bean
	RouteLocator javaRoute(RouteLocatorBuilder routes, CloudRunIdTokenGatewayFilterFactory cloudRunIdToken) {
		return routes.routes()
			.route("java",
					(route) -> route.path("/java/**")
						.filters((filters) -> filters.stripPrefix(1)
							.filter(cloudRunIdToken.apply((config) -> config.setAudience(JAVA_AUDIENCE))))
						.uri(other.url()))
			.build();
	}

}
