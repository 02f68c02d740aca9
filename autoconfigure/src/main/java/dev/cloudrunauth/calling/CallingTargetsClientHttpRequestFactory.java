package dev.cloudrunauth.calling;

import java.io.IOException;
import java.net.URI;
import java.util.function.Supplier;

import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.util.Assert;
import org.springframework.util.function.SingletonSupplier;

/**
 * Sends requests to {@link CallingTargets targets} through a request factory that does not follow redirects, and all
 * others through the usual one. HTTP clients copy request headers to the URL a redirect names, whatever its origin
 * (the JDK's {@code HttpClient} copies {@code Authorization} too), so a call carrying an ID token must not be
 * redirected automatically: a target's 3xx response is returned to the caller instead.
 */
public final class CallingTargetsClientHttpRequestFactory implements ClientHttpRequestFactory {

	private final ClientHttpRequestFactory factory;

	private final Supplier<ClientHttpRequestFactory> nonRedirectingFactory;

	private final CallingTargets targets;

	/**
	 * Create a factory.
	 * @param factory the factory for requests that are not calls to targets
	 * @param nonRedirectingFactory the factory for calls to targets, which must not follow redirects; created on
	 * first use
	 * @param targets the targets
	 */
	public CallingTargetsClientHttpRequestFactory(ClientHttpRequestFactory factory,
			Supplier<ClientHttpRequestFactory> nonRedirectingFactory, CallingTargets targets) {
		Assert.notNull(factory, "factory cannot be null");
		Assert.notNull(nonRedirectingFactory, "nonRedirectingFactory cannot be null");
		Assert.notNull(targets, "targets cannot be null");
		this.factory = factory;
		this.nonRedirectingFactory = SingletonSupplier.of(nonRedirectingFactory);
		this.targets = targets;
	}

	@Override
	public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) throws IOException {
		ClientHttpRequestFactory factory = (this.targets.match(uri) != null) ? this.nonRedirectingFactory.get()
				: this.factory;
		return factory.createRequest(uri, httpMethod);
	}

}
