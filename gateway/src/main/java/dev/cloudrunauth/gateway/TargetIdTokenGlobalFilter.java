package dev.cloudrunauth.gateway;

import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import dev.cloudrunauth.calling.CallingTargets;
import dev.cloudrunauth.calling.IdTokenExchangeFilterFunction;
import dev.cloudrunauth.calling.IdTokenUnavailableException;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.server.ServerWebExchange;

/**
 * Gives a request routed to a declared target the gateway's token for it, as the HTTP
 * clients do: server-webflux proxies with Reactor Netty's own client, which Spring Boot's
 * client customizers never see. Runs last before the request is sent, when its URL is
 * final, and applies the application's {@link IdTokenExchangeFilterFunction} (targets,
 * header rules, per-target identities, failures) to a copy of the request, taking the
 * token header it sets; the copy itself is never sent.
 */
final class TargetIdTokenGlobalFilter implements GlobalFilter, Ordered {

	private static final List<String> TOKEN_HEADERS = List.of(HttpHeaders.AUTHORIZATION,
			RouteTokenHeader.X_SERVERLESS_AUTHORIZATION);

	private final IdTokenExchangeFilterFunction tokens;

	private final CallingTargets targets;

	TargetIdTokenGlobalFilter(IdTokenExchangeFilterFunction tokens, CallingTargets targets) {
		this.tokens = tokens;
		this.targets = targets;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		URI url = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR);
		if (url == null || this.targets.match(url) == null) {
			return chain.filter(exchange);
		}
		ServerHttpRequest request = exchange.getRequest();
		ClientRequest copy = ClientRequest.create(request.getMethod(), url)
			.headers((headers) -> headers.addAll(request.getHeaders()))
			.build();
		AtomicReference<ClientRequest> withToken = new AtomicReference<>(copy);
		return this.tokens.filter(copy, (filtered) -> {
			withToken.set(filtered);
			return Mono.just(ClientResponse.create(HttpStatus.OK).build());
		})
			.then(Mono.defer(() -> chain.filter(with(exchange, withToken.get().headers()))))
			.onErrorResume(IdTokenUnavailableException.class,
					(ex) -> CloudRunIdTokenGatewayFilterFactory.unavailable(exchange, ex));
	}

	private static ServerWebExchange with(ServerWebExchange exchange, HttpHeaders filtered) {
		HttpHeaders original = exchange.getRequest().getHeaders();
		boolean changed = TOKEN_HEADERS.stream()
			.anyMatch((name) -> filtered.containsHeader(name) && !filtered.get(name).equals(original.get(name)));
		if (!changed) {
			return exchange;
		}
		ServerHttpRequest request = exchange.getRequest().mutate().headers((headers) -> {
			for (String name : TOKEN_HEADERS) {
				if (filtered.containsHeader(name)) {
					headers.put(name, filtered.get(name));
				}
			}
		}).build();
		return exchange.mutate().request(request).build();
	}

	@Override
	public int getOrder() {
		// after every filter that may change the URL, before the request is sent
		return NettyRoutingFilter.ORDER - 1;
	}

}
