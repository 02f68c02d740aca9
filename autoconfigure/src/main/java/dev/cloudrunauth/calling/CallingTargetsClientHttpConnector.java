package dev.cloudrunauth.calling;

import java.net.URI;
import java.util.function.Function;
import java.util.function.Supplier;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.http.client.reactive.ClientHttpResponse;
import org.springframework.util.Assert;
import org.springframework.util.function.SingletonSupplier;

/**
 * Sends {@code WebClient} requests to {@link CallingTargets targets} through a connector
 * that does not follow redirects, and all others through the usual one, so that an ID
 * token is never carried to the URL a redirect names; a target's 3xx response is returned
 * to the caller instead.
 *
 * @see CallingTargetsClientHttpRequestFactory
 */
final class CallingTargetsClientHttpConnector implements ClientHttpConnector {

	private final ClientHttpConnector connector;

	private final Supplier<ClientHttpConnector> nonRedirectingConnector;

	private final CallingTargets targets;

	/**
	 * Create a connector.
	 * @param connector the connector for requests that are not calls to targets
	 * @param nonRedirectingConnector the connector for calls to targets, which must not
	 * follow redirects; created on first use
	 * @param targets the targets
	 */
	CallingTargetsClientHttpConnector(ClientHttpConnector connector,
			Supplier<ClientHttpConnector> nonRedirectingConnector, CallingTargets targets) {
		Assert.notNull(connector, "connector cannot be null");
		Assert.notNull(nonRedirectingConnector, "nonRedirectingConnector cannot be null");
		Assert.notNull(targets, "targets cannot be null");
		this.connector = connector;
		this.nonRedirectingConnector = SingletonSupplier.of(nonRedirectingConnector);
		this.targets = targets;
	}

	@Override
	public Mono<ClientHttpResponse> connect(HttpMethod method, URI uri,
			Function<? super ClientHttpRequest, Mono<Void>> requestCallback) {
		ClientHttpConnector connector = (this.targets.match(uri) != null) ? this.nonRedirectingConnector.get()
				: this.connector;
		return connector.connect(method, uri, requestCallback);
	}

}
