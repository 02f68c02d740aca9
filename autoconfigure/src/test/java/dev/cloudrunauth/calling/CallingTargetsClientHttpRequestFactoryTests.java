package dev.cloudrunauth.calling;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.mock.http.client.MockClientHttpRequest;

import static org.assertj.core.api.Assertions.assertThat;

class CallingTargetsClientHttpRequestFactoryTests {

	private static final URI TARGET = URI.create("https://receiving-1.a.run.app/api");

	private final CallingTargets targets = new CallingTargets(
			List.of(new CallingTarget("receiving", TARGET, "https://receiving-1.a.run.app", IdTokenHeader.AUTHORIZATION)));

	@Test
	void pathsThatLeaveTheTargetPathInAnySpellingGoThroughTheUsualFactory() throws Exception {
		CallingTargetsClientHttpRequestFactory factory = new CallingTargetsClientHttpRequestFactory(
				(uri, method) -> new Usual(method, uri), () -> (uri, method) -> new NonRedirecting(method, uri),
				this.targets);
		for (String path : List.of("/api/%2e%2e/other", "/api/.%2e/other", "/api/..%2fother", "/api/..;/other")) {
			assertThat(create(factory, path)).as(path).isInstanceOf(Usual.class);
		}
		assertThat(create(factory, "/api/%2e/orders")).isInstanceOf(NonRedirecting.class);
		assertThat(create(factory, "/api/orders/%2e%2e/items")).isInstanceOf(NonRedirecting.class);
	}

	private static ClientHttpRequest create(CallingTargetsClientHttpRequestFactory factory, String path)
			throws Exception {
		return factory.createRequest(URI.create("https://receiving-1.a.run.app" + path), HttpMethod.GET);
	}

	static final class Usual extends MockClientHttpRequest {

		Usual(HttpMethod method, URI uri) {
			super(method, uri);
		}

	}

	static final class NonRedirecting extends MockClientHttpRequest {

		NonRedirecting(HttpMethod method, URI uri) {
			super(method, uri);
		}

	}

}
