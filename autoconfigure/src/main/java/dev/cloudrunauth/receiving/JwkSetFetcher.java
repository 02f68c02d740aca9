package dev.cloudrunauth.receiving;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.text.ParseException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.util.Assert;
import org.springframework.util.function.SingletonSupplier;

/**
 * Fetches a JWK Set and keeps its signing keys for one algorithm by key id (RSA keys for
 * RS256, Google's ID tokens; P-256 keys for ES256, IAP's assertions), with the response's
 * {@code Cache-Control}. Blocking: called on the key cache's own threads. The request
 * factory is created on the first fetch, so that creating the fetcher costs startup
 * nothing. Each fetch is a {@code cloudrun.auth.jwks.fetches} observation.
 */
final class JwkSetFetcher {

	private static final Log logger = LogFactory.getLog(JwkSetFetcher.class);

	/**
	 * Google's JWK Set is about 2 KB; anything this long is not one.
	 */
	private static final int MAX_SIZE = 512 * 1024;

	private final URI jwkSetUri;

	private final Supplier<ClientHttpRequestFactory> requestFactory;

	private final ObservationRegistry observations;

	private final JWSAlgorithm algorithm;

	/**
	 * Create a fetcher of RS256 keys.
	 * @param jwkSetUri where the keys are published
	 * @param requestFactory the request factory, created on the first fetch
	 * @param observations where fetches are observed
	 */
	JwkSetFetcher(URI jwkSetUri, Supplier<ClientHttpRequestFactory> requestFactory, ObservationRegistry observations) {
		this(jwkSetUri, requestFactory, observations, JWSAlgorithm.RS256);
	}

	/**
	 * Create a fetcher.
	 * @param jwkSetUri where the keys are published
	 * @param requestFactory the request factory, created on the first fetch
	 * @param observations where fetches are observed
	 * @param algorithm the algorithm whose keys are kept, RS256 or ES256
	 */
	JwkSetFetcher(URI jwkSetUri, Supplier<ClientHttpRequestFactory> requestFactory, ObservationRegistry observations,
			JWSAlgorithm algorithm) {
		Assert.notNull(jwkSetUri, "jwkSetUri cannot be null");
		Assert.notNull(requestFactory, "requestFactory cannot be null");
		Assert.notNull(observations, "observations cannot be null");
		Assert.isTrue(JWSAlgorithm.RS256.equals(algorithm) || JWSAlgorithm.ES256.equals(algorithm),
				"algorithm must be RS256 or ES256");
		this.jwkSetUri = jwkSetUri;
		this.requestFactory = SingletonSupplier.of(requestFactory);
		this.observations = observations;
		this.algorithm = algorithm;
	}

	/**
	 * Return the request factory used without Spring Boot's HTTP client settings: the
	 * JDK's client, no redirects.
	 * @param timeout the connect and read timeout
	 * @return a supplier of the factory
	 */
	static Supplier<ClientHttpRequestFactory> defaultRequestFactory(Duration timeout) {
		return () -> {
			JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(
					HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build());
			factory.setReadTimeout(timeout);
			return factory;
		};
	}

	URI jwkSetUri() {
		return this.jwkSetUri;
	}

	/**
	 * Fetch the keys.
	 * @param known the keys known so far, whose instances are kept when their material is
	 * the same
	 * @return the keys and the response's {@code Cache-Control}
	 * @throws IOException if the keys cannot be fetched or parsed
	 */
	Fetched fetch(Map<String, PublicKey> known) throws IOException {
		ReceivingObservations.KeyFetchContext context = new ReceivingObservations.KeyFetchContext(this.jwkSetUri);
		Observation observation = ReceivingObservations.keyFetch(context, this.observations).start();
		try {
			return fetch(known, context);
		}
		catch (IOException | RuntimeException ex) {
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.stop();
		}
	}

	private Fetched fetch(Map<String, PublicKey> known, ReceivingObservations.KeyFetchContext context)
			throws IOException {
		ClientHttpRequest request = this.requestFactory.get().createRequest(this.jwkSetUri, HttpMethod.GET);
		request.getHeaders().setAccept(List.of(MediaType.APPLICATION_JSON));
		try (ClientHttpResponse response = request.execute()) {
			int status = response.getStatusCode().value();
			if (status != 200) {
				throw new IOException("HTTP " + status + " from " + this.jwkSetUri);
			}
			String cacheControl = response.getHeaders().getCacheControl();
			Fetched fetched = new Fetched(parse(body(response.getBody()), known, this.algorithm), cacheControl);
			context.keys = fetched.keys().size();
			return fetched;
		}
	}

	private static String body(InputStream body) throws IOException {
		byte[] bytes = body.readNBytes(MAX_SIZE + 1);
		if (bytes.length > MAX_SIZE) {
			throw new IOException("The JWK Set is longer than " + MAX_SIZE + " bytes");
		}
		return new String(bytes, StandardCharsets.UTF_8);
	}

	private static Map<String, PublicKey> parse(String body, Map<String, PublicKey> known, JWSAlgorithm algorithm)
			throws IOException {
		JWKSet set;
		try {
			set = JWKSet.parse(body);
		}
		catch (ParseException ex) {
			throw new IOException("Not a JWK Set: " + ex.getMessage(), ex);
		}
		Map<String, PublicKey> byId = new HashMap<>();
		for (JWK jwk : set.getKeys()) {
			if (jwk.getKeyID() != null && (jwk.getKeyUse() == null || KeyUse.SIGNATURE.equals(jwk.getKeyUse()))
					&& (jwk.getAlgorithm() == null || algorithm.equals(jwk.getAlgorithm()))) {
				try {
					PublicKey key = publicKey(jwk, algorithm);
					if (key != null) {
						byId.put(jwk.getKeyID(), sameOrNew(known.get(jwk.getKeyID()), key));
					}
				}
				catch (JOSEException ex) {
					logger.debug("Skipping unusable key " + jwk.getKeyID() + ": " + ex.getMessage());
				}
			}
		}
		return Map.copyOf(byId);
	}

	private static @Nullable PublicKey publicKey(JWK jwk, JWSAlgorithm algorithm) throws JOSEException {
		if (JWSAlgorithm.RS256.equals(algorithm)) {
			return (jwk instanceof RSAKey rsa) ? rsa.toRSAPublicKey() : null;
		}
		return (jwk instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) ? ec.toECPublicKey() : null;
	}

	/**
	 * The key already known under this id if its material is the same, so that a key's
	 * identity lasts across fetches and what was verified with it can be bound to it: a
	 * key published again under the same id with other material is another key.
	 */
	private static PublicKey sameOrNew(@Nullable PublicKey known, PublicKey key) {
		return (known != null && known.equals(key)) ? known : key;
	}

	/**
	 * The keys of one fetch.
	 *
	 * @param keys the signing keys by key id
	 * @param cacheControl the response's {@code Cache-Control}, if any
	 */
	record Fetched(Map<String, PublicKey> keys, @Nullable String cacheControl) {
	}

}
