package dev.cloudrunauth.calling;

import reactor.core.publisher.Mono;

import org.springframework.util.Assert;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

/**
 * Adds an ID token to each {@code WebClient} request to a {@link CallingTargets target};
 * other requests pass unchanged. A cached token is added on the calling thread; otherwise
 * the request continues when the token has been minted, without blocking.
 * Auto-configuration adds it to clients built from Spring Boot's builder; add the bean to
 * clients you build by hand, whose connector should not follow redirects (Reactor Netty's
 * default), so that no token is carried to the URL a redirect names.
 */
public final class IdTokenExchangeFilterFunction implements ExchangeFilterFunction {

	private final CallingTargets targets;

	private final IdTokenHeaders headers;

	/**
	 * Create a filter.
	 * @param source where tokens come from
	 * @param targets which requests get them
	 */
	public IdTokenExchangeFilterFunction(IdTokenSource source, CallingTargets targets) {
		Assert.notNull(source, "source cannot be null");
		Assert.notNull(targets, "targets cannot be null");
		this.targets = targets;
		this.headers = new IdTokenHeaders(source, targets);
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		CallingTarget target = this.targets.match(request.url());
		if (target == null) {
			return next.exchange(request);
		}
		IdTokenHeader header = IdTokenHeaders.choose(target, request.headers()::containsHeader);
		if (header == null) {
			return next.exchange(request);
		}
		return Mono.defer(() -> Mono.fromFuture(this.headers.tokenAsync(target)))
			.onErrorMap(IdTokenUnavailableException.class, (ex) -> ex.forTarget(target.getName()))
			.flatMap((token) -> next.exchange(ClientRequest.from(request)
				.headers((headers) -> headers.set(header.headerName(), this.headers.headerValue(target, token)))
				.build()));
	}

}
