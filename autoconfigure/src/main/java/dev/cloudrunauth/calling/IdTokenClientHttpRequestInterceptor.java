package dev.cloudrunauth.calling;

import java.io.IOException;

import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.util.Assert;

/**
 * Adds an ID token to each {@code RestClient} or {@code RestTemplate} request to a {@link CallingTargets target};
 * other requests pass unchanged. Auto-configuration adds it to clients built from Spring Boot's builders; add the bean
 * to clients you build by hand, whose request factory should not follow redirects (see
 * {@link CallingTargetsClientHttpRequestFactory}).
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
		this.headers = new IdTokenHeaders(source);
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
