package dev.cloudrunauth.calling;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.core.Ordered;
import org.springframework.http.client.ClientHttpRequestFactory;

/**
 * Makes the request factories of Spring Boot's {@code RestClient} and
 * {@code RestTemplate} builders add ID tokens to calls to targets and send them through a
 * variant of themselves that does not follow redirects. Runs after other customizers,
 * which may expect the builder's own type.
 */
final class CallingTargetsRequestFactoryBuilderCustomizer
		implements ClientHttpRequestFactoryBuilderCustomizer<ClientHttpRequestFactoryBuilder<?>>, Ordered {

	private final CallingTargets targets;

	private final IdTokenSource source;

	CallingTargetsRequestFactoryBuilderCustomizer(CallingTargets targets, IdTokenSource source) {
		this.targets = targets;
		this.source = source;
	}

	@Override
	public ClientHttpRequestFactoryBuilder<?> customize(ClientHttpRequestFactoryBuilder<?> builder) {
		return this.targets.isEmpty() ? builder : new Builder(builder, this.targets, this.source);
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	private record Builder(ClientHttpRequestFactoryBuilder<?> delegate, CallingTargets targets,
			IdTokenSource source) implements ClientHttpRequestFactoryBuilder<ClientHttpRequestFactory> {

		@Override
		public ClientHttpRequestFactory build(@Nullable HttpClientSettings settings) {
			HttpClientSettings nonRedirecting = ((settings != null) ? settings : HttpClientSettings.defaults())
				.withRedirects(HttpRedirects.DONT_FOLLOW);
			return new CallingTargetsClientHttpRequestFactory(this.delegate.build(settings),
					() -> this.delegate.build(nonRedirecting), this.targets, this.source);
		}

	}

}
