package dev.cloudrunauth.receiving;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.util.Assert;
import org.springframework.web.server.ServerWebExchange;

/**
 * Reactive counterpart of {@link CloudRunBearerTokenResolver}.
 */
final class CloudRunServerBearerTokenAuthenticationConverter implements ServerAuthenticationConverter {

	private ServerWebExchangeMatcher publicExchanges = (exchange) -> ServerWebExchangeMatcher.MatchResult.notMatch();

	@Override
	public Mono<Authentication> convert(ServerWebExchange exchange) {
		return this.publicExchanges.matches(exchange).flatMap((match) -> {
			if (match.isMatch()) {
				return Mono.empty();
			}
			HttpHeaders headers = exchange.getRequest().getHeaders();
			String token = BearerTokenHeaders.resolve(values(headers, BearerTokenHeaders.X_SERVERLESS_AUTHORIZATION),
					values(headers, BearerTokenHeaders.AUTHORIZATION));
			return (token != null) ? Mono.just(new BearerTokenAuthenticationToken(token)) : Mono.empty();
		});
	}

	/**
	 * Leave exchanges matching the given matcher unauthenticated.
	 * @param publicExchanges the public exchanges
	 */
	public void setPublicExchanges(ServerWebExchangeMatcher publicExchanges) {
		Assert.notNull(publicExchanges, "publicExchanges cannot be null");
		this.publicExchanges = publicExchanges;
	}

	private static List<String> values(HttpHeaders headers, String name) {
		List<String> values = headers.get(name);
		return (values != null) ? values : List.of();
	}

}
