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

	private boolean iapAssertions;

	@Override
	public Mono<Authentication> convert(ServerWebExchange exchange) {
		return this.publicExchanges.matches(exchange).flatMap((match) -> {
			HttpHeaders headers = exchange.getRequest().getHeaders();
			if (match.isMatch() || (this.iapAssertions && headers.containsHeader(IapAssertions.HEADER))) {
				return Mono.empty();
			}
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

	/**
	 * Leave exchanges with IAP's signed header to IAP mode.
	 * @param iapAssertions whether IAP mode is on
	 * @see CloudRunBearerTokenResolver#setIapAssertions(boolean)
	 */
	public void setIapAssertions(boolean iapAssertions) {
		this.iapAssertions = iapAssertions;
	}

	private static List<String> values(HttpHeaders headers, String name) {
		List<String> values = headers.get(name);
		return (values != null) ? values : List.of();
	}

}
