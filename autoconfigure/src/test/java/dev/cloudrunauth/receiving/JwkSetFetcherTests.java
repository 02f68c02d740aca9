package dev.cloudrunauth.receiving;

import java.net.URI;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.cloudrunauth.test.LoopbackResponse;
import dev.cloudrunauth.test.LoopbackServer;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fetcher keeps the keys of its algorithm only: RSA keys for RS256 (Google's ID
 * tokens), P-256 keys for ES256 (IAP's assertions), so that a key of one kind published
 * in the other's set verifies nothing.
 */
class JwkSetFetcherTests {

	@Test
	void eachFetcherKeepsTheKeysOfItsAlgorithmOnly() throws Exception {
		List<JWK> keys = List.of(new RSAKeyGenerator(2048).keyID("rsa").algorithm(JWSAlgorithm.RS256).generate(),
				new RSAKeyGenerator(2048).keyID("rsa-no-alg").generate(),
				new RSAKeyGenerator(2048).keyID("rsa-enc").keyUse(KeyUse.ENCRYPTION).generate(),
				new ECKeyGenerator(Curve.P_256).keyID("p256").algorithm(JWSAlgorithm.ES256).generate(),
				new ECKeyGenerator(Curve.P_256).keyID("p256-no-alg").generate(),
				new ECKeyGenerator(Curve.P_256).keyID("p256-es384").algorithm(JWSAlgorithm.ES384).generate(),
				new ECKeyGenerator(Curve.P_384).keyID("p384").generate());
		String body = new JWKSet(keys).toPublicJWKSet().toString();
		try (LoopbackServer server = LoopbackServer.start((request) -> LoopbackResponse.json(200, body))) {
			Map<String, PublicKey> rsa = fetch(server, JWSAlgorithm.RS256);
			assertThat(rsa).containsOnlyKeys("rsa", "rsa-no-alg");
			assertThat(rsa.values()).allMatch(RSAPublicKey.class::isInstance);
			Map<String, PublicKey> ec = fetch(server, JWSAlgorithm.ES256);
			assertThat(ec).containsOnlyKeys("p256", "p256-no-alg");
			assertThat(ec.values()).allMatch(ECPublicKey.class::isInstance);
		}
	}

	private static Map<String, PublicKey> fetch(LoopbackServer server, JWSAlgorithm algorithm) throws Exception {
		return new JwkSetFetcher(URI.create(server.url() + "/keys"),
				JwkSetFetcher.defaultRequestFactory(Duration.ofSeconds(5)), ObservationRegistry.NOOP, algorithm)
			.fetch(Map.of())
			.keys();
	}

}
