package dev.cloudrunauth.calling;

import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import feign.Capability;
import feign.Client;
import feign.Request;
import feign.RequestInterceptor;
import feign.RequestTemplate;
import feign.Target;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.util.Assert;

/**
 * Adds an ID token to each Feign request to a {@link CallingTargets target}, by the same
 * rules as the other clients ({@code X-Serverless-Authorization} when the application set
 * its own {@code Authorization}, none when the request already has
 * {@code X-Serverless-Authorization}), and keeps requests to targets from following
 * redirects, so that a token never reaches another host; other requests pass unchanged.
 * <p>
 * Spring Cloud OpenFeign adds every {@code RequestInterceptor} and {@code Capability}
 * bean to every Feign client, so with auto-configuration there is nothing to do. A Feign
 * client built by hand adds it as both:
 * {@code Feign.builder().requestInterceptor(interceptor).addCapability(interceptor)}. It
 * is a capability because Feign's clients follow redirects by default
 * ({@code Request.Options#isFollowRedirects}) and an interceptor cannot change a
 * request's options. Feign invokes a capability's {@code enrich} methods by reflection,
 * which needs a public class.
 */
public final class IdTokenFeignRequestInterceptor implements RequestInterceptor, Capability {

	private final CallingTargets targets;

	private final IdTokenHeaders headers;

	/**
	 * Create an interceptor.
	 * @param source where tokens come from
	 * @param targets which requests get them
	 */
	public IdTokenFeignRequestInterceptor(IdTokenSource source, CallingTargets targets) {
		Assert.notNull(source, "source cannot be null");
		Assert.notNull(targets, "targets cannot be null");
		this.targets = targets;
		this.headers = new IdTokenHeaders(source, targets);
	}

	@Override
	public void apply(RequestTemplate template) {
		URI uri = uri(template);
		CallingTarget target = (uri != null) ? this.targets.match(uri) : null;
		if (target == null) {
			return;
		}
		HttpHeaders headers = new HttpHeaders();
		for (Map.Entry<String, Collection<String>> header : template.headers().entrySet()) {
			headers.addAll(header.getKey(), List.copyOf(header.getValue()));
		}
		this.headers.addToken(target, headers);
		for (IdTokenHeader header : IdTokenHeader.values()) {
			List<String> value = headers.get(header.headerName());
			if (value != null && !value.equals(headers(template, header.headerName()))) {
				template.removeHeader(header.headerName());
				// a literal, not a template: a token holds no braces, but nothing here
				// should be expanded
				template.headerLiteral(header.headerName(), value.get(0));
			}
		}
	}

	/**
	 * Return a client that does not follow redirects of requests to targets.
	 * @param client Feign's client
	 * @return the client
	 */
	@Override
	public Client enrich(Client client) {
		return (request, options) -> {
			if (options.isFollowRedirects() && isTarget(request.url())) {
				options = new Request.Options(options.connectTimeout(), options.connectTimeoutUnit(),
						options.readTimeout(), options.readTimeoutUnit(), false);
			}
			return client.execute(request, options);
		};
	}

	private boolean isTarget(String url) {
		try {
			return this.targets.match(URI.create(url)) != null;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	/**
	 * The URI the request goes to: interceptors run before Feign prepends the client's
	 * URL to the template's.
	 */
	private static @Nullable URI uri(RequestTemplate template) {
		String url = template.url();
		if (!url.startsWith("http://") && !url.startsWith("https://")) {
			Target<?> target = template.feignTarget();
			if (target == null || target.url() == null) {
				return null;
			}
			url = target.url() + url;
		}
		try {
			return URI.create(url);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private static @Nullable List<String> headers(RequestTemplate template, String name) {
		for (Map.Entry<String, Collection<String>> header : template.headers().entrySet()) {
			if (header.getKey().equalsIgnoreCase(name)) {
				return List.copyOf(header.getValue());
			}
		}
		return null;
	}

}
