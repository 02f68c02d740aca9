package dev.cloudrunauth.calling;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.StreamingHttpOutputMessage;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.mock.http.client.MockClientHttpRequest;
import org.springframework.mock.http.client.MockClientHttpResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class CallingTargetsClientHttpRequestFactoryTests {

	private static final URI TARGET = URI.create("https://receiving-1.a.run.app/api");

	private final CallingTargets targets = new CallingTargets(List
		.of(new CallingTarget("receiving", TARGET, "https://receiving-1.a.run.app", IdTokenHeader.AUTHORIZATION)));

	private final CountingSource source = new CountingSource();

	private final List<Sent> created = new ArrayList<>();

	private final CallingTargetsClientHttpRequestFactory factory = new CallingTargetsClientHttpRequestFactory(
			(uri, method) -> create(uri, method, false), () -> (uri, method) -> create(uri, method, true), this.targets,
			this.source);

	@Test
	void pathsThatLeaveTheTargetPathInAnySpellingGoThroughTheUsualFactory() throws Exception {
		for (String path : List.of("/api/%2e%2e/other", "/api/.%2e/other", "/api/..%2fother", "/api/..;/other")) {
			request(path).execute();
			assertThat(last().nonRedirecting).as(path).isFalse();
			assertThat(last().sentHeaders.containsHeader("Authorization")).as(path).isFalse();
		}
		assertThat(this.source.asked).hasValue(0);
		for (String path : List.of("/api/%2e/orders", "/api/orders/%2e%2e/items")) {
			request(path).execute();
			assertThat(last().nonRedirecting).as(path).isTrue();
			assertThat(last().sentHeaders.getFirst("Authorization")).as(path).isEqualTo("Bearer t");
		}
	}

	@Test
	void requestToAnotherHostIsTheUsualFactorysOwnRequest() throws Exception {
		ClientHttpRequest request = this.factory.createRequest(URI.create("https://other.example/api"),
				HttpMethod.POST);
		assertThat(request).isSameAs(last());
		assertThat(last().nonRedirecting).isFalse();
	}

	@Test
	void streamedBodyStaysStreamedAndTheTokenIsAddedWhenTheRequestIsExecuted() throws Exception {
		ClientHttpRequest request = request("/api/upload");
		assertThat(request).isInstanceOf(StreamingHttpOutputMessage.class);
		((StreamingHttpOutputMessage) request)
			.setBody((body) -> body.write("streamed".getBytes(StandardCharsets.UTF_8)));
		assertThat(this.source.asked).hasValue(0);
		request.getHeaders().set("Authorization", "Basic dXNlcjpwYXNz");
		request.execute();
		assertThat(last().body.toString(StandardCharsets.UTF_8)).isEqualTo("streamed");
		assertThat(last().bufferedBody).isFalse();
		assertThat(last().sentHeaders.get("Authorization")).containsExactly("Basic dXNlcjpwYXNz");
		assertThat(last().sentHeaders.getFirst("X-Serverless-Authorization")).isEqualTo("Bearer t");
	}

	@Test
	void headersSetAfterAStreamedBodyStillDecide() throws Exception {
		ClientHttpRequest request = request("/api/upload");
		((StreamingHttpOutputMessage) request).setBody((body) -> body.write(1));
		request.getHeaders().set("X-Serverless-Authorization", "Bearer forwarded");
		request.execute();
		assertThat(last().sentHeaders.get("X-Serverless-Authorization")).containsExactly("Bearer forwarded");
		assertThat(last().sentHeaders.containsHeader("Authorization")).isFalse();
		assertThat(this.source.asked).hasValue(0);
	}

	@Test
	void tokenIsAddedBeforeTheBodyStreamIsHandedOut() throws Exception {
		ClientHttpRequest request = request("/api/upload");
		request.getHeaders().set("Authorization", "Basic dXNlcjpwYXNz");
		request.getBody().write(1);
		assertThat(last().getHeaders().getFirst("X-Serverless-Authorization")).isEqualTo("Bearer t");
		request.getBody().write(2);
		request.execute();
		assertThat(this.source.asked).hasValue(1);
		assertThat(last().sentHeaders.get("X-Serverless-Authorization")).containsExactly("Bearer t");
	}

	@Test
	void unavailableTokenFailsTheCallNamingTheTargetWithoutSendingIt() throws Exception {
		this.source.failure = new IdTokenUnavailableException(TARGET.toString(), "fake credentials", "endpoint down",
				null);
		ClientHttpRequest request = request("/api/hello");
		assertThatExceptionOfType(IdTokenUnavailableException.class).isThrownBy(request::execute)
			.satisfies((ex) -> assertThat(ex.getTarget()).isEqualTo("receiving"));
		assertThat(last().isExecuted()).isFalse();
	}

	@Test
	void factoryWithoutASourceOnlyRoutes() throws Exception {
		CallingTargetsClientHttpRequestFactory routing = new CallingTargetsClientHttpRequestFactory(
				(uri, method) -> create(uri, method, false), () -> (uri, method) -> create(uri, method, true),
				this.targets);
		ClientHttpRequest request = routing.createRequest(TARGET.resolve("/api/hello"), HttpMethod.GET);
		assertThat(request).isSameAs(last());
		assertThat(last().nonRedirecting).isTrue();
		request.execute();
		assertThat(last().sentHeaders.containsHeader("Authorization")).isFalse();
	}

	private ClientHttpRequest request(String path) throws IOException {
		return this.factory.createRequest(URI.create("https://receiving-1.a.run.app" + path), HttpMethod.POST);
	}

	private Sent create(URI uri, HttpMethod method, boolean nonRedirecting) {
		Sent request = new Sent(method, uri, nonRedirecting);
		this.created.add(request);
		return request;
	}

	private Sent last() {
		return this.created.get(this.created.size() - 1);
	}

	/**
	 * A streaming request that records what it would send, as the HTTP client's requests
	 * do: headers and body at execution.
	 */
	static final class Sent extends MockClientHttpRequest implements StreamingHttpOutputMessage {

		final boolean nonRedirecting;

		final ByteArrayOutputStream body = new ByteArrayOutputStream();

		@Nullable Body streamed;

		boolean bufferedBody;

		HttpHeaders sentHeaders = new HttpHeaders();

		Sent(HttpMethod method, URI uri, boolean nonRedirecting) {
			super(method, uri);
			this.nonRedirecting = nonRedirecting;
		}

		@Override
		public void setBody(Body body) {
			this.streamed = body;
		}

		@Override
		public OutputStream getBody() throws IOException {
			this.bufferedBody = true;
			return super.getBody();
		}

		@Override
		protected ClientHttpResponse executeInternal() throws IOException {
			this.sentHeaders = HttpHeaders.copyOf(getHeaders());
			if (this.streamed != null) {
				this.streamed.writeTo(this.body);
			}
			return new MockClientHttpResponse();
		}

	}

	static final class CountingSource implements IdTokenSource {

		final AtomicInteger asked = new AtomicInteger();

		@Nullable IdTokenUnavailableException failure;

		@Override
		public String token(String audience) {
			this.asked.incrementAndGet();
			if (this.failure != null) {
				throw this.failure;
			}
			return "t";
		}

		@Override
		public CompletableFuture<String> tokenAsync(String audience) {
			throw new UnsupportedOperationException();
		}

	}

}
