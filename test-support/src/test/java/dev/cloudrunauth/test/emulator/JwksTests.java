package dev.cloudrunauth.test.emulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class JwksTests {

	private static final String AUDIENCE = "https://receiving-123456789012.us-central1.run.app";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension(
			(builder) -> builder.jwksMaxAge(Duration.ofSeconds(300)));

	@Test
	void jwksIsServedWithCacheControlMaxAge() throws Exception {
		HttpResponse<String> response = fetchJwks();
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Cache-Control"))
			.hasValueSatisfying((value) -> assertThat(value).contains("public").contains("max-age=300"));
		JWKSet jwks = JWKSet.parse(response.body());
		assertThat(jwks.getKeys()).singleElement().satisfies((key) -> {
			assertThat(key.getKeyID()).isEqualTo(google.emulator().keys().signingKeyId());
			assertThat(key.isPrivate()).isFalse();
			assertThat(key.getAlgorithm().getName()).isEqualTo("RS256");
		});
		assertThat(google.emulator().jwksFetches()).isEqualTo(1);
	}

	@Test
	void springSecurityVerifiesBuiltTokensAgainstTheJwks() {
		GoogleIdentityEmulator emulator = google.emulator();
		ServiceAccount caller = emulator.serviceAccount("caller@emulator-project.iam.gserviceaccount.com");
		Jwt jwt = EmulatorClients.verify(emulator, emulator.idToken(AUDIENCE).serviceAccount(caller).sign());
		assertThat(jwt.getClaimAsString("email")).isEqualTo(caller.email());
		assertThat(jwt.getHeaders()).containsEntry("kid", emulator.keys().signingKeyId());
	}

	@Test
	void rotationPublishesANewKeyBeforeSigningWithItAndRetiresTheOldOne() throws Exception {
		GoogleIdentityEmulator emulator = google.emulator();
		SigningKeys keys = emulator.keys();
		String oldKey = keys.signingKeyId();
		String oldToken = emulator.idToken(AUDIENCE).sign();

		String newKey = keys.add();
		assertThat(keys.publishedKeyIds()).containsExactly(oldKey, newKey);
		assertThat(keyIdOf(emulator.idToken(AUDIENCE).sign())).isEqualTo(oldKey);

		keys.useForSigning(newKey);
		String newToken = emulator.idToken(AUDIENCE).sign();
		assertThat(keyIdOf(newToken)).isEqualTo(newKey);
		assertThat(EmulatorClients.verify(emulator, oldToken)).isNotNull();
		assertThat(EmulatorClients.verify(emulator, newToken)).isNotNull();

		keys.retire(oldKey);
		assertThat(JWKSet.parse(fetchJwks().body()).getKeys()).extracting((key) -> key.getKeyID())
			.containsExactly(newKey);
		assertThatExceptionOfType(BadJwtException.class).isThrownBy(() -> EmulatorClients.verify(emulator, oldToken));
		assertThat(EmulatorClients.verify(emulator, newToken)).isNotNull();
	}

	@Test
	void theSigningKeyCannotBeRetired() {
		SigningKeys keys = google.emulator().keys();
		assertThatIllegalStateException().isThrownBy(() -> keys.retire(keys.signingKeyId()));
	}

	@Test
	void tokensSignedWithARetiredKeyCanStillBeBuilt() throws Exception {
		GoogleIdentityEmulator emulator = google.emulator();
		String retired = emulator.keys().signingKeyId();
		emulator.keys().rotate();
		emulator.keys().retire(retired);
		String token = emulator.idToken(AUDIENCE).signingKey(retired).sign();
		assertThat(keyIdOf(token)).isEqualTo(retired);
		assertThat(emulator.keys().publishedKeyIds()).doesNotContain(retired);
	}

	@Test
	void bothIssuerFormsVerify() {
		GoogleIdentityEmulator emulator = google.emulator();
		for (Issuer issuer : List.of(Issuer.HTTPS, Issuer.BARE)) {
			Jwt jwt = EmulatorClients.verify(emulator, emulator.idToken(AUDIENCE).issuer(issuer.value()).sign());
			assertThat(jwt.getClaimAsString("iss")).isEqualTo(issuer.value());
		}
	}

	private HttpResponse<String> fetchJwks() throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(google.emulator().jwkSetUri())).build(),
					HttpResponse.BodyHandlers.ofString());
	}

	private static String keyIdOf(String token) throws Exception {
		return SignedJWT.parse(token).getHeader().getKeyID();
	}

}
