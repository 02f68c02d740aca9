package dev.cloudrunauth.receiving;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import com.nimbusds.jose.JWSAlgorithm;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;

/**
 * IAP mode: the verification of IAP's signed headers, with IAP's keys in a
 * {@link SigningKeyCache} of their own (the same caching, refetch and outage rules as
 * Google's), and the rule for which IAP users may call. Not a {@link JwtDecoder} bean, so
 * that it never stands in for the decoder of service tokens.
 */
final class IapAssertions implements AutoCloseable {

	/**
	 * The header IAP adds to every request it lets through, which Cloud Run leaves alone.
	 */
	static final String HEADER = "x-goog-iap-jwt-assertion";

	private final IdTokenDecoding decoding;

	private final IapUsers users;

	IapAssertions(IapSettings settings, Supplier<ClientHttpRequestFactory> requestFactory,
			ObservationRegistry observations, Duration refetchInterval, Duration timeout, Duration clockSkew) {
		SigningKeyCache keys = new SigningKeyCache(settings.jwkSetUri(), requestFactory, observations,
				JWSAlgorithm.ES256, refetchInterval, timeout, Clock.systemUTC());
		this.decoding = new IdTokenDecoding(keys, true,
				IdTokenVerifier.iap(IdTokenValidators.createIap(settings.audiences(), clockSkew)), timeout, null, null,
				observations);
		this.users = settings.users();
	}

	/**
	 * Fetch IAP's keys in the background.
	 */
	void start() {
		this.decoding.keys.start();
	}

	@Override
	public void close() {
		this.decoding.close();
	}

	/**
	 * Return a decoder of IAP's assertions for servlet applications.
	 * @return the decoder, sharing this instance's keys
	 */
	JwtDecoder decoder() {
		return GoogleIdTokenDecoder.of(this.decoding);
	}

	/**
	 * Return a decoder of IAP's assertions for reactive applications.
	 * @return the decoder, sharing this instance's keys
	 */
	ReactiveJwtDecoder reactiveDecoder() {
		return ReactiveGoogleIdTokenDecoder.of(this.decoding);
	}

	/**
	 * Return IAP's signing keys.
	 * @return the keys
	 */
	SigningKeyCache keys() {
		return this.decoding.keys;
	}

	/**
	 * Return the IAP users who may call.
	 * @return the rule
	 */
	IapUsers users() {
		return this.users;
	}

	/**
	 * Return a manager that grants access to allowed IAP users, and denies it to everyone
	 * else, service account callers included.
	 * @param <T> the type of object authorized
	 * @return the manager
	 */
	<T> AuthorizationManager<T> authorizationManager() {
		return (authentication, object) -> new AuthorizationDecision(this.users.allows(authentication.get()));
	}

	/**
	 * Resolve the assertion from the values of its header.
	 * @param values the header's values
	 * @return the assertion, or {@code null} if the request has none
	 * @throws OAuth2AuthenticationException ({@code invalid_token}, 401) for a repeated
	 * or empty header
	 */
	static @Nullable String resolve(List<String> values) {
		if (values.isEmpty()) {
			return null;
		}
		if (values.size() > 1) {
			throw new OAuth2AuthenticationException(
					BearerTokenErrors.invalidToken("Found more than one " + HEADER + " header"));
		}
		String value = values.get(0);
		if (value.isBlank()) {
			throw new OAuth2AuthenticationException(BearerTokenErrors.invalidToken("The IAP assertion is empty"));
		}
		return value;
	}

}
