package dev.cloudrunauth.calling;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class IdTokenExchangeFilterFunctionTests {

	private static final URI TARGET = URI.create("https://receiving-1.a.run.app");

	private final AsyncOnlySource source = new AsyncOnlySource();

	private final IdTokenExchangeFilterFunction filter = new IdTokenExchangeFilterFunction(this.source,
			new CallingTargets(
					List.of(new CallingTarget("receiving", TARGET, TARGET.toString(), IdTokenHeader.AUTHORIZATION))));

	private final AtomicReference<ClientRequest> sent = new AtomicReference<>();

	private final ExchangeFunction next = (request) -> {
		this.sent.set(request);
		return Mono.just(ClientResponse.create(HttpStatus.OK).build());
	};

	@Test
	void requestWaitsForTheMintWithoutBlockingAndThenCarriesTheToken() {
		CompletableFuture<ClientResponse> response = this.filter.filter(request(TARGET.resolve("/hello")), this.next)
			.toFuture();
		assertThat(response).isNotDone();
		assertThat(this.sent.get()).isNull();
		this.source.pending.complete("minted-token");
		assertThat(response).isCompleted();
		assertThat(this.sent.get().headers().getFirst("Authorization")).isEqualTo("Bearer minted-token");
	}

	@Test
	void requestToAnotherHostIsPassedOnUnchangedWithoutAskingForAToken() {
		ClientRequest request = request(URI.create("https://other.example/hello"));
		this.filter.filter(request, this.next).block();
		assertThat(this.sent.get()).isSameAs(request);
		assertThat(this.source.asked).isFalse();
	}

	@Test
	void forwardedXServerlessAuthorizationDecidesAndNoTokenIsAskedFor() {
		ClientRequest request = ClientRequest.create(HttpMethod.GET, TARGET.resolve("/hello"))
			.header("X-Serverless-Authorization", "Bearer forwarded")
			.build();
		CompletableFuture<ClientResponse> response = this.filter.filter(request, this.next).toFuture();
		assertThat(this.source.asked).isFalse();
		assertThat(response).isCompleted();
		assertThat(this.sent.get()).isSameAs(request);
	}

	@Test
	void failureToGetATokenFailsTheExchangeNamingTheTargetAndSendsNothing() {
		CompletableFuture<ClientResponse> response = this.filter.filter(request(TARGET.resolve("/hello")), this.next)
			.toFuture();
		this.source.pending.completeExceptionally(
				new IdTokenUnavailableException(TARGET.toString(), "fake credentials", "endpoint down", null));
		assertThatExceptionOfType(IdTokenUnavailableException.class).isThrownBy(() -> Mono.fromFuture(response).block())
			.satisfies((ex) -> assertThat(ex.getTarget()).isEqualTo("receiving"));
		assertThat(this.sent.get()).isNull();
	}

	private static ClientRequest request(URI uri) {
		return ClientRequest.create(HttpMethod.GET, uri).build();
	}

	static final class AsyncOnlySource implements IdTokenSource {

		final CompletableFuture<String> pending = new CompletableFuture<>();

		volatile boolean asked;

		@Override
		public String token(String audience) {
			throw new AssertionError("a WebClient filter must not block for a token");
		}

		@Override
		public CompletableFuture<String> tokenAsync(String audience) {
			this.asked = true;
			return this.pending;
		}

	}

}
