package dev.cloudrunauth.calling;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.mock.http.client.MockClientHttpRequest;
import org.springframework.mock.http.client.MockClientHttpResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class IdTokenClientHttpRequestInterceptorTests {

	private static final URI TARGET = URI.create("https://receiving-1.a.run.app");

	private final ClientHttpRequestExecution execution = (request, body) -> new MockClientHttpResponse();

	@Test
	void tokenGoesInTheConfiguredHeader() throws Exception {
		MockClientHttpRequest request = request("/hello");
		interceptor(IdTokenHeader.X_SERVERLESS_AUTHORIZATION, "t").intercept(request, new byte[0], this.execution);
		assertThat(request.getHeaders().getFirst("X-Serverless-Authorization")).isEqualTo("Bearer t");
		assertThat(request.getHeaders().containsHeader("Authorization")).isFalse();
	}

	@Test
	void existingAuthorizationIsKeptAndTheTokenGoesInXServerlessAuthorization() throws Exception {
		MockClientHttpRequest request = request("/hello");
		request.getHeaders().set("Authorization", "Basic abc");
		interceptor(IdTokenHeader.AUTHORIZATION, "t").intercept(request, new byte[0], this.execution);
		assertThat(request.getHeaders().get("Authorization")).containsExactly("Basic abc");
		assertThat(request.getHeaders().getFirst("X-Serverless-Authorization")).isEqualTo("Bearer t");
	}

	@Test
	void requestCarryingBothHeadersAlreadyIsLeftAlone() throws Exception {
		MockClientHttpRequest request = request("/hello");
		request.getHeaders().set("Authorization", "Basic abc");
		request.getHeaders().set("X-Serverless-Authorization", "Bearer own");
		interceptor(IdTokenHeader.AUTHORIZATION, "t").intercept(request, new byte[0], this.execution);
		assertThat(request.getHeaders().get("Authorization")).containsExactly("Basic abc");
		assertThat(request.getHeaders().get("X-Serverless-Authorization")).containsExactly("Bearer own");
	}

	@Test
	void forwardedXServerlessAuthorizationDecidesAndNoTokenIsAdded() throws Exception {
		MockClientHttpRequest request = request("/hello");
		request.getHeaders().set("X-Serverless-Authorization", "Bearer forwarded");
		interceptor(IdTokenHeader.AUTHORIZATION, "t").intercept(request, new byte[0], this.execution);
		assertThat(request.getHeaders().get("X-Serverless-Authorization")).containsExactly("Bearer forwarded");
		assertThat(request.getHeaders().containsHeader("Authorization")).isFalse();
	}

	@Test
	void existingXServerlessAuthorizationIsNotReplacedInThatMode() throws Exception {
		MockClientHttpRequest request = request("/hello");
		request.getHeaders().set("X-Serverless-Authorization", "Bearer own");
		interceptor(IdTokenHeader.X_SERVERLESS_AUTHORIZATION, "t").intercept(request, new byte[0], this.execution);
		assertThat(request.getHeaders().get("X-Serverless-Authorization")).containsExactly("Bearer own");
		assertThat(request.getHeaders().containsHeader("Authorization")).isFalse();
	}

	@Test
	void unavailableTokenFailsTheCallNamingTheTargetWithoutExecutingIt() {
		IdTokenSource failing = new IdTokenSource() {

			@Override
			public String token(String audience) {
				throw new IdTokenUnavailableException(audience, "fake credentials", "endpoint down", null);
			}

			@Override
			public CompletableFuture<String> tokenAsync(String audience) {
				throw new UnsupportedOperationException();
			}

		};
		IdTokenClientHttpRequestInterceptor interceptor = new IdTokenClientHttpRequestInterceptor(failing,
				targets(IdTokenHeader.AUTHORIZATION));
		assertThatExceptionOfType(IdTokenUnavailableException.class)
			.isThrownBy(() -> interceptor.intercept(request("/hello"), new byte[0], (request, body) -> {
				throw new AssertionError("must not be sent");
			}))
			.withMessage("Call to target 'receiving' not sent: no ID token for audience "
					+ "'https://receiving-1.a.run.app' from fake credentials: endpoint down");
	}

	private static MockClientHttpRequest request(String path) {
		return new MockClientHttpRequest(HttpMethod.GET, TARGET.resolve(path));
	}

	private static IdTokenClientHttpRequestInterceptor interceptor(IdTokenHeader header, String token) {
		IdTokenSource source = new IdTokenSource() {

			@Override
			public String token(String audience) {
				return token;
			}

			@Override
			public CompletableFuture<String> tokenAsync(String audience) {
				return CompletableFuture.completedFuture(token);
			}

		};
		return new IdTokenClientHttpRequestInterceptor(source, targets(header));
	}

	private static CallingTargets targets(IdTokenHeader header) {
		return new CallingTargets(List.of(new CallingTarget("receiving", TARGET, TARGET.toString(), header)));
	}

}
