package dev.cloudrunauth.test.web;

import org.jspecify.annotations.Nullable;

import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.test.web.reactive.server.WebTestClientConfigurer;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;

/**
 * A WebTestClient mutator that adds an emulator-signed Google ID token to every request
 * of the mutated client, from {@link GoogleIdTokenMutators#googleIdToken()}. Like Spring
 * Security's {@code mockJwt()}, it works on a client bound to the application context
 * ({@code @WebFluxTest}, or {@code @AutoConfigureWebTestClient} in a mock web
 * environment): a first web filter signs the token with the emulator of the exchange's
 * application context.
 */
public final class GoogleIdTokenMutator extends GoogleIdTokenSpec<GoogleIdTokenMutator>
		implements WebTestClientConfigurer {

	GoogleIdTokenMutator() {
	}

	@Override
	public void afterConfigurerAdded(WebTestClient.Builder builder, @Nullable WebHttpHandlerBuilder httpHandlerBuilder,
			@Nullable ClientHttpConnector connector) {
		if (httpHandlerBuilder == null) {
			throw new IllegalStateException("googleIdToken() needs a WebTestClient bound to the application context "
					+ "(@WebFluxTest, or @AutoConfigureWebTestClient without a running server); against a running "
					+ "server, send GoogleIdentityEmulator#idToken(...).sign() as a header");
		}
		httpHandlerBuilder.filters((filters) -> filters.add(0, (exchange, chain) -> {
			ServerHttpRequest request = exchange.getRequest()
				.mutate()
				.header(headerName(), headerValue(exchange.getApplicationContext()))
				.build();
			return chain.filter(exchange.mutate().request(request).build());
		}));
	}

}
