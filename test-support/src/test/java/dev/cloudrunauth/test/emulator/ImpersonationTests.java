package dev.cloudrunauth.test.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.IdTokenProvider;
import com.google.auth.oauth2.ImpersonatedCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.security.oauth2.jwt.Jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

class ImpersonationTests {

	private static final String AUDIENCE = "https://receiving-123456789012.us-central1.run.app";

	private static final String TARGET = "invoker@emulator-project.iam.gserviceaccount.com";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();

	@TempDir
	Path dir;

	@Test
	void impersonatedCredentialsOverAKeyFileGetAnIdTokenWithTheTargetsEmail() throws IOException {
		GoogleIdentityEmulator emulator = google.emulator();
		ServiceAccount target = emulator.serviceAccount(TARGET);
		ImpersonatedCredentials credentials = impersonate(keyFileCredentials(), TARGET);
		String token = credentials.idTokenWithAudience(AUDIENCE, List.of(IdTokenProvider.Option.INCLUDE_EMAIL))
			.getTokenValue();
		Jwt jwt = EmulatorClients.verify(google.emulator(), token);
		assertThat(jwt.getAudience()).containsExactly(AUDIENCE);
		assertThat(jwt.getSubject()).isEqualTo(target.uniqueId());
		assertThat(jwt.getClaimAsString("email")).isEqualTo(TARGET);
		assertThat(jwt.getClaimAsBoolean("email_verified")).isTrue();
		assertThat(emulator.requests(EmulatorEndpoint.IAM_CREDENTIALS)).isEqualTo(1);
	}

	@Test
	void impersonatedCredentialsOverTheMetadataServerGetAnIdToken() throws IOException {
		google.emulator().serviceAccount(TARGET);
		ImpersonatedCredentials credentials = impersonate(EmulatorClients.computeEngineCredentials(google.emulator()),
				TARGET);
		String token = credentials.idTokenWithAudience(AUDIENCE, List.of(IdTokenProvider.Option.INCLUDE_EMAIL))
			.getTokenValue();
		assertThat(EmulatorClients.verify(google.emulator(), token).getClaimAsString("email")).isEqualTo(TARGET);
	}

	@Test
	void withoutIncludeEmailTheTokenHasNoEmail() throws IOException {
		google.emulator().serviceAccount(TARGET);
		String token = impersonate(keyFileCredentials(), TARGET).idTokenWithAudience(AUDIENCE, List.of())
			.getTokenValue();
		assertThat(EmulatorClients.verify(google.emulator(), token).hasClaim("email")).isFalse();
	}

	@Test
	void unknownTargetIsNotFound() throws IOException {
		ImpersonatedCredentials credentials = impersonate(keyFileCredentials(),
				"nobody@emulator-project.iam.gserviceaccount.com");
		assertThatIOException().isThrownBy(() -> credentials.idTokenWithAudience(AUDIENCE, List.of()))
			.withMessageContaining("404");
	}

	@Test
	void callerWithoutTokenCreatorOnTheTargetIsDenied() throws IOException {
		GoogleIdentityEmulator emulator = google.emulator();
		ServiceAccount target = emulator.serviceAccount("restricted@emulator-project.iam.gserviceaccount.com");
		emulator.restrictImpersonation(target,
				emulator.serviceAccount("someone-else@emulator-project.iam.gserviceaccount.com"));
		ImpersonatedCredentials credentials = impersonate(keyFileCredentials(), target.email());
		assertThatIOException().isThrownBy(() -> credentials.idTokenWithAudience(AUDIENCE, List.of()))
			.withMessageContaining("403")
			.withMessageContaining("iam.serviceAccounts.getOpenIdToken");
		assertThat(emulator.idTokensMinted()).isZero();
	}

	@Test
	void generateIdTokenWithoutABearerAccessTokenIsUnauthenticated() throws Exception {
		GoogleIdentityEmulator emulator = google.emulator();
		emulator.serviceAccount(TARGET);
		HttpRequest request = HttpRequest
			.newBuilder(URI
				.create(emulator.iamCredentialsUri() + "/v1/projects/-/serviceAccounts/" + TARGET + ":generateIdToken"))
			.header("Authorization", "Bearer ya29.not-issued-by-the-emulator")
			.POST(HttpRequest.BodyPublishers.ofString("{\"audience\":\"" + AUDIENCE + "\"}"))
			.build();
		HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.body()).contains("UNAUTHENTICATED");
		assertThat(emulator.idTokensMinted()).isZero();
	}

	private ImpersonatedCredentials impersonate(GoogleCredentials source, String target) {
		return ImpersonatedCredentials.newBuilder()
			.setSourceCredentials(source)
			.setTargetPrincipal(target)
			.setScopes(List.of(MetadataServerHandler.CLOUD_PLATFORM_SCOPE))
			.setHttpTransportFactory(new EmulatorHttpTransportFactory(google.emulator()))
			.build();
	}

	private GoogleCredentials keyFileCredentials() throws IOException {
		GoogleIdentityEmulator emulator = google.emulator();
		Path key = emulator.writeServiceAccountKey(
				emulator.serviceAccount("source@emulator-project.iam.gserviceaccount.com"),
				this.dir.resolve("key.json"));
		try (InputStream in = Files.newInputStream(key)) {
			return ServiceAccountCredentials.fromStream(in).createScoped(MetadataServerHandler.CLOUD_PLATFORM_SCOPE);
		}
	}

}
