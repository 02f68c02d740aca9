package dev.cloudrunauth.gateway;

import java.net.URI;
import java.util.List;
import java.util.Set;

import dev.cloudrunauth.calling.IdTokenSource;
import dev.cloudrunauth.calling.IdTokenUnavailableException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.Assert;
import org.springframework.web.server.ServerWebExchange;

/**
 * The {@code CloudRunIdToken} filter of Spring Cloud Gateway server-webflux: gives a
 * routed request the gateway's own ID token for an audience. Routes whose URI is a
 * declared target ({@code cloudrun.auth.calling.targets.*}) need it not: they get the
 * target's token already. For other routes, in properties:
 * {@code filters: [CloudRunIdToken=https://orders-123456789012.us-central1.run.app]}; in
 * Java:
 * {@code .filters((f) -> f.filter(cloudRunIdToken.apply((c) -> c.setAudience(url))))}.
 * <p>
 * The client's own {@code Authorization} is kept and the token goes in
 * {@code X-Serverless-Authorization}, which Cloud Run checks first; an
 * {@code X-Serverless-Authorization} the client sent is replaced, so that the client
 * cannot choose the identity the gateway calls as. The token comes from
 * {@link IdTokenSource#tokenAsync(String)}, never blocking; a request for which no token
 * can be had is not sent: the gateway answers 503.
 */
public class CloudRunIdTokenGatewayFilterFactory
		extends AbstractGatewayFilterFactory<CloudRunIdTokenGatewayFilterFactory.Config> {

	private static final Log logger = LogFactory.getLog(CloudRunIdTokenGatewayFilterFactory.class);

	private final IdTokenSource source;

	/**
	 * Create the factory.
	 * @param source where the tokens come from
	 */
	public CloudRunIdTokenGatewayFilterFactory(IdTokenSource source) {
		super(Config.class);
		Assert.notNull(source, "source cannot be null");
		this.source = source;
	}

	@Override
	public List<String> shortcutFieldOrder() {
		return List.of("audience");
	}

	@Override
	public GatewayFilter apply(Config config) {
		String audience = config.getAudience();
		Assert.hasText(audience, "The CloudRunIdToken filter needs the audience of the receiving service");
		return (exchange, chain) -> Mono.defer(() -> Mono.fromFuture(this.source.tokenAsync(audience)))
			.flatMap((token) -> chain.filter(withToken(exchange, "Bearer " + token)))
			.onErrorResume(IdTokenUnavailableException.class, (ex) -> unavailable(exchange, ex));
	}

	private static ServerWebExchange withToken(ServerWebExchange exchange, String value) {
		String name = RouteTokenHeader.of(exchange.getRequest().getHeaders());
		ServerHttpRequest request = exchange.getRequest().mutate().headers((h) -> h.set(name, value)).build();
		return exchange.mutate().request(request).build();
	}

	/**
	 * Answer 503 to a routed request that was not sent for want of a token: the gateway
	 * cannot reach the service for now, as when it is down.
	 * @param exchange the exchange
	 * @param ex why there is no token; its message names the audience, the credentials
	 * and the reason, never a token
	 * @return the completion of the response
	 */
	static Mono<Void> unavailable(ServerWebExchange exchange, IdTokenUnavailableException ex) {
		ServerHttpRequest request = exchange.getRequest();
		// the path the client asked for, before filters such as StripPrefix rewrote it
		Set<URI> original = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ORIGINAL_REQUEST_URL_ATTR);
		String path = (original != null && !original.isEmpty()) ? original.iterator().next().getRawPath()
				: request.getPath().value();
		logger.warn("Routed request " + request.getMethod() + " " + path + " not sent: " + ex.getMessage());
		exchange.getResponse().setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
		return exchange.getResponse().setComplete();
	}

	/**
	 * The filter's configuration.
	 */
	public static class Config {

		private @Nullable String audience;

		/**
		 * Return the audience of the tokens.
		 * @return the {@code aud} the receiving service expects, typically its URL
		 */
		public @Nullable String getAudience() {
			return this.audience;
		}

		/**
		 * Set the audience of the tokens.
		 * @param audience the {@code aud} the receiving service expects, typically its
		 * URL
		 */
		public void setAudience(@Nullable String audience) {
			this.audience = audience;
		}

	}

}
