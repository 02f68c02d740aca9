package dev.cloudrunauth.calling;

import java.io.IOException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.http.HttpHeaders;
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

	private static final Log logger = LogFactory.getLog(IdTokenClientHttpRequestInterceptor.class);

	private final IdTokenSource source;

	private final CallingTargets targets;

	private final BearerHeaderValues headerValues = new BearerHeaderValues();

	/**
	 * Create an interceptor.
	 * @param source where tokens come from
	 * @param targets which requests get them
	 */
	public IdTokenClientHttpRequestInterceptor(IdTokenSource source, CallingTargets targets) {
		Assert.notNull(source, "source cannot be null");
		Assert.notNull(targets, "targets cannot be null");
		this.source = source;
		this.targets = targets;
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		CallingTarget target = this.targets.match(request.getURI());
		if (target != null) {
			HttpHeaders headers = request.getHeaders();
			IdTokenHeader header = IdTokenHeaders.choose(target, headers::containsHeader);
			if (header != null) {
				headers.set(header.headerName(), this.headerValues.headerValue(target.getAudience(), token(target)));
			}
			else if (logger.isDebugEnabled()) {
				logger.debug("Request to target '" + target.getName() + "' already carries both "
						+ "Authorization and X-Serverless-Authorization; adding none");
			}
		}
		return execution.execute(request, body);
	}

	private String token(CallingTarget target) {
		try {
			return this.source.token(target.getAudience());
		}
		catch (IdTokenUnavailableException ex) {
			throw ex.forTarget(target.getName());
		}
	}

}
