package dev.cloudrunauth.calling;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.boot.http.client.autoconfigure.reactive.ClientHttpConnectorBuilderCustomizer;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;
import org.springframework.core.Ordered;
import org.springframework.http.client.reactive.ClientHttpConnector;

/**
 * Makes the connector of Spring Boot's {@code WebClient} builder send calls to targets
 * through a variant of itself that does not follow redirects. Runs after other
 * customizers, which may expect the builder's own type.
 */
final class NonRedirectingTargetsConnectorBuilderCustomizer
		implements ClientHttpConnectorBuilderCustomizer<ClientHttpConnectorBuilder<?>>, Ordered {

	private final CallingTargets targets;

	NonRedirectingTargetsConnectorBuilderCustomizer(CallingTargets targets) {
		this.targets = targets;
	}

	@Override
	public ClientHttpConnectorBuilder<?> customize(ClientHttpConnectorBuilder<?> builder) {
		return this.targets.isEmpty() ? builder : new Builder(builder, this.targets);
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	private record Builder(ClientHttpConnectorBuilder<?> delegate,
			CallingTargets targets) implements ClientHttpConnectorBuilder<ClientHttpConnector> {

		@Override
		public ClientHttpConnector build(@Nullable HttpClientSettings settings) {
			HttpClientSettings nonRedirecting = ((settings != null) ? settings : HttpClientSettings.defaults())
				.withRedirects(HttpRedirects.DONT_FOLLOW);
			return new CallingTargetsClientHttpConnector(this.delegate.build(settings),
					() -> this.delegate.build(nonRedirecting), this.targets);
		}

	}

}
