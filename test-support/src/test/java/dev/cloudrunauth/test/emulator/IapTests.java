package dev.cloudrunauth.test.emulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class IapTests {

	private static final String AUDIENCE = "/projects/123456789012/locations/us-central1/services/receiving";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension(
			(builder) -> builder.jwksMaxAge(Duration.ofSeconds(300)));

	@Test
	void iapsKeySetIsServedAtItsOwnPathWithCacheControl() throws Exception {
		EmulatedIap iap = google.emulator().iap();
		assertThat(iap.jwkSetUri()).endsWith("/iap/verify/public_key-jwk");
		HttpResponse<String> response = fetch(iap.jwkSetUri());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Cache-Control"))
			.hasValueSatisfying((value) -> assertThat(value).contains("max-age=300"));
		assertThat(JWKSet.parse(response.body()).getKeys()).singleElement().satisfies((key) -> {
			assertThat(key).isInstanceOf(ECKey.class);
			assertThat(((ECKey) key).getCurve()).isEqualTo(Curve.P_256);
			assertThat(key.getKeyID()).isEqualTo(iap.keys().signingKeyId());
			assertThat(key.getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
			assertThat(key.isPrivate()).isFalse();
		});
		assertThat(iap.jwksFetches()).isEqualTo(1);
		assertThat(google.emulator().jwksFetches()).isZero();
	}

	@Test
	void assertionsCarryIapsClaimsAndVerifyAgainstItsKeySet() {
		EmulatedIap iap = google.emulator().iap();
		Jwt jwt = decoder(iap).decode(iap.assertion("alice@example.com", AUDIENCE).hostedDomain("example.com").sign());
		assertThat(jwt.getHeaders()).containsEntry("alg", "ES256").containsEntry("kid", iap.keys().signingKeyId());
		assertThat(jwt.getClaimAsString("iss")).isEqualTo("https://cloud.google.com/iap");
		assertThat(jwt.getAudience()).containsExactly(AUDIENCE);
		assertThat(jwt.getClaimAsString("email")).isEqualTo("alice@example.com");
		assertThat(jwt.getClaimAsString("hd")).isEqualTo("example.com");
		assertThat(jwt.getSubject()).matches("accounts\\.google\\.com:[0-9]+");
		assertThat(Duration.between(jwt.getIssuedAt(), jwt.getExpiresAt())).isEqualTo(Duration.ofMinutes(10));
	}

	@Test
	void forgeriesDoNotVerifyAgainstIapsKeySet() {
		EmulatedIap iap = google.emulator().iap();
		NimbusJwtDecoder decoder = decoder(iap);
		assertThatExceptionOfType(BadJwtException.class)
			.isThrownBy(() -> decoder.decode(iap.assertion("alice@example.com", AUDIENCE).signWithAnotherKey()));
		assertThatExceptionOfType(BadJwtException.class)
			.isThrownBy(() -> decoder.decode(iap.assertion("alice@example.com", AUDIENCE).signWithGoogleIdTokenKey()));
	}

	@Test
	void rotationPublishesANewKeyAndRetiresTheOldOne() throws Exception {
		IapSigningKeys keys = google.emulator().iap().keys();
		String old = keys.signingKeyId();
		String fresh = keys.rotate();
		assertThat(keys.publishedKeyIds()).containsExactly(old, fresh);
		keys.retire(old);
		assertThat(JWKSet.parse(fetch(google.emulator().iap().jwkSetUri()).body()).getKeys())
			.extracting((key) -> key.getKeyID())
			.containsExactly(fresh);
	}

	@Test
	void faultsOfTheJwksEndpointApplyToIapsKeySet() throws Exception {
		google.emulator().inject(EmulatorEndpoint.JWKS, Fault.httpStatus(503));
		assertThat(fetch(google.emulator().iap().jwkSetUri()).statusCode()).isEqualTo(503);
	}

	private static NimbusJwtDecoder decoder(EmulatedIap iap) {
		return NimbusJwtDecoder.withJwkSetUri(iap.jwkSetUri())
			.jwsAlgorithm(org.springframework.security.oauth2.jose.jws.SignatureAlgorithm.ES256)
			.build();
	}

	private static HttpResponse<String> fetch(String uri) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString());
	}

}
