package dev.cloudrunauth.calling.autoconfigure;

import dev.cloudrunauth.calling.CallingTargets;
import dev.cloudrunauth.calling.CallingTargetsClientHttpRequestFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.core.Ordered;
import org.springframework.http.client.ClientHttpRequestFactory;

/**
 * Makes the request factories of Spring Boot's {@code RestClient} and {@code RestTemplate} builders send calls to
 * targets through a variant of themselves that does not follow redirects. Runs after other customizers, which may
 * expect the builder's own type.
 */
final class NonRedirectingTargetsRequestFactoryBuilderCustomizer
		implements ClientHttpRequestFactoryBuilderCustomizer<ClientHttpRequestFactoryBuilder<?>>, Ordered {

	private final CallingTargets targets;

	NonRedirectingTargetsRequestFactoryBuilderCustomizer(CallingTargets targets) {
		this.targets = targets;
	}

	@Override
	public ClientHttpRequestFactoryBuilder<?> customize(ClientHttpRequestFactoryBuilder<?> builder) {
		return this.targets.isEmpty() ? builder : new Builder(builder, this.targets);
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	private record Builder(ClientHttpRequestFactoryBuilder<?> delegate,
			CallingTargets targets) implements ClientHttpRequestFactoryBuilder<ClientHttpRequestFactory> {

		@Override
		public ClientHttpRequestFactory build(@Nullable HttpClientSettings settings) {
			HttpClientSettings nonRedirecting = ((settings != null) ? settings : HttpClientSettings.defaults())
				.withRedirects(HttpRedirects.DONT_FOLLOW);
			return new CallingTargetsClientHttpRequestFactory(this.delegate.build(settings),
					() -> this.delegate.build(nonRedirecting), this.targets);
		}

	}

}
