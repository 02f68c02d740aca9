package dev.cloudrunauth.benchmarks.jmh;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.cloudrunauth.benchmarks.support.Emulators;
import dev.cloudrunauth.calling.CallingTarget;
import dev.cloudrunauth.calling.CallingTargets;
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
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * The interceptor's own cost per call: {@code intercept()} with a cached token and an execution that does nothing,
 * against a pass-through interceptor with the same request and execution. Each invocation builds a new request (new
 * headers), as each real call does, in all variants.
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

	private GoogleIdentityEmulator emulator;

	private GoogleIdTokenSource source;

	private IdTokenClientHttpRequestInterceptor interceptor;

	@Setup
	public void setUp() {
		this.emulator = GoogleIdentityEmulator.start();
		this.source = Emulators.sourceBuilder(this.emulator).build();
		CallingTargets targets = new CallingTargets(List.of(new CallingTarget("backend",
				URI.create(AUDIENCE + "/api"), AUDIENCE, IdTokenHeader.AUTHORIZATION)));
		this.interceptor = new IdTokenClientHttpRequestInterceptor(this.source, targets);
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
	 * The harness alone: a new request through a pass-through interceptor.
	 * @return the response
	 * @throws Exception never
	 */
	@Benchmark
	public ClientHttpResponse baseline() throws Exception {
		return PASS_THROUGH.intercept(new Request(TARGET_URI), BODY, EXECUTION);
	}

	/**
	 * A request to a target: match, choose the header, read the cached token, set the header.
	 * @return the response
	 * @throws Exception never
	 */
	@Benchmark
	public ClientHttpResponse interceptor() throws Exception {
		return this.interceptor.intercept(new Request(TARGET_URI), BODY, EXECUTION);
	}

	/**
	 * A request to another host, which the interceptor passes on untouched.
	 * @return the response
	 * @throws Exception never
	 */
	@Benchmark
	public ClientHttpResponse interceptorOtherHost() throws Exception {
		return this.interceptor.intercept(new Request(OTHER_URI), BODY, EXECUTION);
	}

	static final class Request implements HttpRequest {

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
