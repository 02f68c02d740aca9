package dev.cloudrunauth.gateway;

import dev.cloudrunauth.calling.IdTokenSource;

import org.springframework.cloud.gateway.server.mvc.common.MvcUtils;
import org.springframework.cloud.gateway.server.mvc.common.Shortcut;
import org.springframework.cloud.gateway.server.mvc.filter.SimpleFilterSupplier;
import org.springframework.util.Assert;
import org.springframework.web.servlet.function.HandlerFilterFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Gateway filter functions that give a routed request the gateway's own ID token. Routes
 * whose URI is a declared target ({@code cloudrun.auth.calling.targets.*}) need none of
 * them: the gateway proxies with Spring Boot's {@code RestClient.Builder}, which adds the
 * token for a target. For other routes, in Java:
 * {@code route("orders").GET("/orders/**", http()).before(uri(ordersUrl)).filter(cloudRunIdToken(audience))},
 * and in {@code spring.cloud.gateway.server.webmvc.routes[].filters}:
 * {@code CloudRunIdToken=https://orders-123456789012.us-central1.run.app}.
 */
public abstract class CloudRunGatewayFilterFunctions {

	private CloudRunGatewayFilterFunctions() {
	}

	/**
	 * Return a filter that adds the gateway's ID token for the audience, from the
	 * application's {@link IdTokenSource}. The client's own {@code Authorization} is kept
	 * and the token goes in {@code X-Serverless-Authorization}, which Cloud Run checks
	 * first; an {@code X-Serverless-Authorization} the client sent is replaced, so that
	 * the client cannot choose the identity the gateway calls as. A request for which no
	 * token can be had is not sent: the gateway answers 503.
	 * @param audience the {@code aud} the receiving service expects, typically its URL
	 * @return the filter
	 */
	@Shortcut
	public static HandlerFilterFunction<ServerResponse, ServerResponse> cloudRunIdToken(String audience) {
		Assert.hasText(audience, "The CloudRunIdToken filter needs the audience of the receiving service");
		return (request, next) -> {
			IdTokenSource source = MvcUtils.getApplicationContext(request).getBean(IdTokenSource.class);
			String value = "Bearer " + source.token(audience);
			ServerRequest withToken = ServerRequest.from(request)
				.headers((headers) -> headers.set(RouteTokenHeader.of(headers), value))
				.build();
			return next.handle(withToken);
		};
	}

	/**
	 * Makes {@code CloudRunIdToken} available to routes defined in properties; listed in
	 * {@code META-INF/spring.factories}.
	 */
	public static class FilterSupplier extends SimpleFilterSupplier {

		/**
		 * Create the supplier.
		 */
		public FilterSupplier() {
			super(CloudRunGatewayFilterFunctions.class);
		}

	}

}
