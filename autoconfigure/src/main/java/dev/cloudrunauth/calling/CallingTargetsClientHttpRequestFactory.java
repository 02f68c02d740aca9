package dev.cloudrunauth.calling;

import java.io.IOException;
import java.net.URI;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.util.Assert;
import org.springframework.util.function.SingletonSupplier;

/**
 * Sends requests to {@link CallingTargets targets} through a request factory that does
 * not follow redirects, and all others through the usual one, untouched; given an
 * {@link IdTokenSource}, it also adds an ID token to the requests to targets, without
 * buffering their bodies. HTTP clients copy request headers to the URL a redirect names,
 * whatever its origin (the JDK's {@code HttpClient} copies {@code Authorization} too), so
 * a call carrying an ID token must not be redirected automatically: a target's 3xx
 * response is returned to the caller instead.
 */
public final class CallingTargetsClientHttpRequestFactory implements ClientHttpRequestFactory {

	private final ClientHttpRequestFactory factory;

	private final Supplier<ClientHttpRequestFactory> nonRedirectingFactory;

	private final CallingTargets targets;

	private final @Nullable IdTokenHeaders headers;

	/**
	 * Create a factory that only routes requests, for clients that add tokens some other
	 * way, such as {@link IdTokenClientHttpRequestInterceptor}.
	 * @param factory the factory for requests that are not calls to targets
	 * @param nonRedirectingFactory the factory for calls to targets, which must not
	 * follow redirects; created on first use
	 * @param targets the targets
	 */
	public CallingTargetsClientHttpRequestFactory(ClientHttpRequestFactory factory,
			Supplier<ClientHttpRequestFactory> nonRedirectingFactory, CallingTargets targets) {
		this(factory, nonRedirectingFactory, targets, (IdTokenHeaders) null);
	}

	/**
	 * Create a factory whose requests to targets carry ID tokens: in the target's header,
	 * or in {@code X-Serverless-Authorization} beside an {@code Authorization} header of
	 * the application's own, and none beside an {@code X-Serverless-Authorization} header
	 * the request already has. The token is added after the application has set its
	 * headers: when the body is first asked for with {@code getBody()}, or when the
	 * request is executed if its body is streamed ({@code setBody}) or absent.
	 * @param factory the factory for requests that are not calls to targets
	 * @param nonRedirectingFactory the factory for calls to targets, which must not
	 * follow redirects; created on first use
	 * @param targets the targets
	 * @param source where tokens come from
	 */
	public CallingTargetsClientHttpRequestFactory(ClientHttpRequestFactory factory,
			Supplier<ClientHttpRequestFactory> nonRedirectingFactory, CallingTargets targets, IdTokenSource source) {
		this(factory, nonRedirectingFactory, targets, new IdTokenHeaders(checked(source), checked(targets)));
	}

	private CallingTargetsClientHttpRequestFactory(ClientHttpRequestFactory factory,
			Supplier<ClientHttpRequestFactory> nonRedirectingFactory, CallingTargets targets,
			@Nullable IdTokenHeaders headers) {
		Assert.notNull(factory, "factory cannot be null");
		Assert.notNull(nonRedirectingFactory, "nonRedirectingFactory cannot be null");
		Assert.notNull(targets, "targets cannot be null");
		this.factory = factory;
		this.nonRedirectingFactory = SingletonSupplier.of(nonRedirectingFactory);
		this.targets = targets;
		this.headers = headers;
	}

	private static IdTokenSource checked(IdTokenSource source) {
		Assert.notNull(source, "source cannot be null");
		return source;
	}

	private static CallingTargets checked(CallingTargets targets) {
		Assert.notNull(targets, "targets cannot be null");
		return targets;
	}

	@Override
	public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) throws IOException {
		CallingTarget target = this.targets.match(uri);
		if (target == null) {
			return this.factory.createRequest(uri, httpMethod);
		}
		ClientHttpRequest request = this.nonRedirectingFactory.get().createRequest(uri, httpMethod);
		return (this.headers != null) ? IdTokenClientHttpRequest.of(request, target, this.headers) : request;
	}

}
