package dev.cloudrunauth.benchmarks.jmh;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.cloudrunauth.benchmarks.support.Emulators;
import dev.cloudrunauth.calling.CallingTarget;
import dev.cloudrunauth.calling.CallingTargets;
import dev.cloudrunauth.calling.CallingTargetsClientHttpRequestFactory;
import dev.cloudrunauth.calling.GoogleIdTokenSource;
import dev.cloudrunauth.calling.IdTokenClientHttpRequestInterceptor;
import dev.cloudrunauth.calling.IdTokenHeader;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.StreamingHttpOutputMessage;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * The starter's own cost per call, on both paths that add a token. The request-factory
 * decorator that Boot's builders use ({@code CallingTargetsClientHttpRequestFactory},
 * whose requests to targets are {@code IdTokenClientHttpRequest}s): {@code createRequest}
 * + {@code execute} on a request factory that does nothing, through the decorator and
 * directly. The interceptor, for clients built by hand: {@code intercept()} with a cached
 * token and an execution that does nothing, against a pass-through interceptor. Each
 * invocation builds a new request (new headers), as each real call does, in all variants.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class InterceptorBenchmark {

	static final String AUDIENCE = "https://backend-123456789012.us-central1.run.app";

	private static final URI TARGET_URI = URI.create(AUDIENCE + "/api/orders/42");

	private static final URI OTHER_URI = URI.create("https://example.org/api/orders/42");

	private static final byte[] BODY = new byte[0];

	private static final ClientHttpResponse RESPONSE = new NoResponse();

	private static final ClientHttpRequestExecution EXECUTION = (request, body) -> RESPONSE;

	private static final ClientHttpRequestInterceptor PASS_THROUGH = (request, body, execution) -> execution
		.execute(request, body);

	private static final ClientHttpRequestFactory NO_OP_FACTORY = (uri, method) -> new NoOpRequest(uri, method);

	private GoogleIdentityEmulator emulator;

	private GoogleIdTokenSource source;

	private IdTokenClientHttpRequestInterceptor interceptor;

	private ClientHttpRequestFactory decorated;

	@Setup
	public void setUp() {
		this.emulator = GoogleIdentityEmulator.start();
		this.source = Emulators.sourceBuilder(this.emulator).build();
		CallingTargets targets = new CallingTargets(List
			.of(new CallingTarget("backend", URI.create(AUDIENCE + "/api"), AUDIENCE, IdTokenHeader.AUTHORIZATION)));
		this.interceptor = new IdTokenClientHttpRequestInterceptor(this.source, targets);
		this.decorated = new CallingTargetsClientHttpRequestFactory(NO_OP_FACTORY, () -> NO_OP_FACTORY, targets,
				this.source);
		this.source.token(AUDIENCE);
	}

	@TearDown
	public void tearDown() {
		long minted = this.emulator.idTokensMinted(AUDIENCE);
		this.source.close();
		this.emulator.close();
		if (minted != 1) {
			throw new IllegalStateException("Expected one mint (the token was cached), got " + minted);
		}
	}

	/**
	 * The harness alone for the decorator: a new request from a factory that does
	 * nothing, executed.
	 * @return the response
	 * @throws Exception never
	 */
	@Benchmark
	public ClientHttpResponse factoryBaseline() throws Exception {
		return NO_OP_FACTORY.createRequest(TARGET_URI, HttpMethod.GET).execute();
	}

	/**
	 * A request to a target through the decorator: match, the token-adding request, the
	 * header set on execution.
	 * @return the response
	 * @throws Exception never
	 */
	@Benchmark
	public ClientHttpResponse decorator() throws Exception {
		return this.decorated.createRequest(TARGET_URI, HttpMethod.GET).execute();
	}

	/**
	 * A request to another host through the decorator, which passes it to the usual
	 * factory untouched.
	 * @return the response
	 * @throws Exception never
	 */
	@Benchmark
	public ClientHttpResponse decoratorOtherHost() throws Exception {
		return this.decorated.createRequest(OTHER_URI, HttpMethod.GET).execute();
	}

	/**
	 * The harness alone for the interceptor: a new request through a pass-through
	 * interceptor.
	 * @return the response
	 * @throws Exception never
	 */
	@Benchmark
	public ClientHttpResponse baseline() throws Exception {
		return PASS_THROUGH.intercept(new Request(TARGET_URI), BODY, EXECUTION);
	}

	/**
	 * A request to a target: match, choose the header, read the cached token, set the
	 * header.
	 * @return the response
	 * @throws Exception never
	 */
	@Benchmark
	public ClientHttpResponse interceptor() throws Exception {
		return this.interceptor.intercept(new Request(TARGET_URI), BODY, EXECUTION);
	}

	/**
	 * A client request that sends nothing: what a real one is minus the network
	 * (streaming, like the JDK's).
	 */
	public static final class NoOpRequest extends Request implements ClientHttpRequest, StreamingHttpOutputMessage {

		private final HttpMethod method;

		public NoOpRequest(URI uri, HttpMethod method) {
			super(uri);
			this.method = method;
		}

		@Override
		public HttpMethod getMethod() {
			return this.method;
		}

		@Override
		public OutputStream getBody() {
			return OutputStream.nullOutputStream();
		}

		@Override
		public void setBody(Body body) {
		}

		@Override
		public ClientHttpResponse execute() {
			return RESPONSE;
		}

	}

	public static class Request implements HttpRequest {

		private final URI uri;

		private final HttpHeaders headers = new HttpHeaders();

		private Map<String, Object> attributes;

		Request(URI uri) {
			this.uri = uri;
		}

		@Override
		public HttpMethod getMethod() {
			return HttpMethod.GET;
		}

		@Override
		public URI getURI() {
			return this.uri;
		}

		@Override
		public Map<String, Object> getAttributes() {
			if (this.attributes == null) {
				this.attributes = new HashMap<>();
			}
			return this.attributes;
		}

		@Override
		public HttpHeaders getHeaders() {
			return this.headers;
		}

	}

	/**
	 * An empty 200 response, for executions that send nothing.
	 */
	public static final class NoResponse implements ClientHttpResponse {

		@Override
		public HttpStatusCode getStatusCode() {
			return HttpStatus.OK;
		}

		@Override
		public String getStatusText() {
			return "OK";
		}

		@Override
		public void close() {
		}

		@Override
		public InputStream getBody() {
			return new ByteArrayInputStream(new byte[0]);
		}

		@Override
		public HttpHeaders getHeaders() {
			return HttpHeaders.EMPTY;
		}

	}

}
