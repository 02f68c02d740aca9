package dev.cloudrunauth.calling;

import java.io.IOException;

import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.util.Assert;

/**
 * Adds an ID token to each {@code RestClient} or {@code RestTemplate} request to a
 * {@link CallingTargets target}; other requests pass unchanged. Like every
 * {@code ClientHttpRequestInterceptor}, it makes the client hold each request's whole
 * body in memory before sending it, whether or not the request is to a target, so
 * auto-configuration no longer uses it: it adds tokens through
 * {@link CallingTargetsClientHttpRequestFactory}, which streams bodies and which clients
 * built by hand should use too. Add this to clients that must keep their own request
 * factory, with a factory that does not follow redirects.
 */
public final class IdTokenClientHttpRequestInterceptor implements ClientHttpRequestInterceptor {

	private final CallingTargets targets;

	private final IdTokenHeaders headers;

	/**
	 * Create an interceptor.
	 * @param source where tokens come from
	 * @param targets which requests get them
	 */
	public IdTokenClientHttpRequestInterceptor(IdTokenSource source, CallingTargets targets) {
		Assert.notNull(source, "source cannot be null");
		Assert.notNull(targets, "targets cannot be null");
		this.targets = targets;
		this.headers = new IdTokenHeaders(source, targets);
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		CallingTarget target = this.targets.match(request.getURI());
		if (target != null) {
			this.headers.addToken(target, request.getHeaders());
		}
		return execution.execute(request, body);
	}

}
