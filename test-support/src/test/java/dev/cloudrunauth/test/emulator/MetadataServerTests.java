package dev.cloudrunauth.test.emulator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.google.auth.oauth2.ComputeEngineCredentials;
import com.google.auth.oauth2.IdToken;
import com.google.auth.oauth2.IdTokenProvider;
import dev.cloudrunauth.test.JavaProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.security.oauth2.jwt.Jwt;

import static org.assertj.core.api.Assertions.assertThat;

class MetadataServerTests {

	private static final String AUDIENCE = "https://receiving-123456789012.us-central1.run.app";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension(
			(builder) -> builder.serviceAccount("calling@emulator-project.iam.gserviceaccount.com"));

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void applicationDefaultCredentialsInAChildJvmMintAnIdTokenThroughGceMetadataHost(@TempDir Path dir)
			throws IOException {
		GoogleIdentityEmulator emulator = google.emulator();
		Path tokenFile = dir.resolve("token");
		JavaProcess.Completed child = JavaProcess.mainClass(ApplicationDefaultCredentialsIdTokenMain.class)
			.applicationDefaultCredentials(emulator)
			.arguments(AUDIENCE, tokenFile.toString(), "full")
			.run(Duration.ofSeconds(60));
		assertThat(child.exitCode()).as(child.output()).isZero();
		assertThat(child.output()).contains("credentials=ComputeEngineCredentials");
		Jwt jwt = verify(Files.readString(tokenFile));
		ServiceAccount account = emulator.metadataServiceAccount();
		assertThat(jwt.getAudience()).containsExactly(AUDIENCE);
		assertThat(jwt.getClaimAsString("iss")).isEqualTo("https://accounts.google.com");
		assertThat(jwt.getSubject()).isEqualTo(account.uniqueId());
		assertThat(jwt.getClaimAsString("azp")).isEqualTo(account.uniqueId());
		assertThat(jwt.getClaimAsString("email")).isEqualTo("calling@emulator-project.iam.gserviceaccount.com");
		assertThat(jwt.getClaimAsBoolean("email_verified")).isTrue();
		assertThat(jwt.getExpiresAt()).isEqualTo(jwt.getIssuedAt().plusSeconds(3600));
		assertThat(emulator.idTokensMinted(AUDIENCE)).isEqualTo(1);
	}

	@Test
	void identityWithoutFormatFullHasNoEmail() throws IOException {
		IdToken token = computeEngineCredentials().idTokenWithAudience(AUDIENCE, List.of());
		Jwt jwt = verify(token.getTokenValue());
		assertThat(jwt.hasClaim("email")).isFalse();
		assertThat(jwt.hasClaim("email_verified")).isFalse();
		assertThat(jwt.getSubject()).isEqualTo(google.emulator().metadataServiceAccount().uniqueId());
	}

	@Test
	void identityWithFormatFullHasEmail() throws IOException {
		IdToken token = computeEngineCredentials().idTokenWithAudience(AUDIENCE,
				List.of(IdTokenProvider.Option.FORMAT_FULL));
		assertThat(verify(token.getTokenValue()).getClaimAsString("email"))
			.isEqualTo(google.emulator().metadataServiceAccount().email());
	}

	@Test
	void computeEngineCredentialsGetAccessTokenAndAccount() throws IOException {
		ComputeEngineCredentials credentials = computeEngineCredentials();
		assertThat(credentials.refreshAccessToken().getTokenValue()).startsWith("ya29.");
		assertThat(credentials.getAccount()).isEqualTo(google.emulator().metadataServiceAccount().email());
		assertThat(credentials.getUniverseDomain()).isEqualTo("googleapis.com");
	}

	@Test
	void requestWithoutMetadataFlavorHeaderIsRefusedWith403() throws Exception {
		HttpResponse<String> response = get(
				"/computeMetadata/v1/instance/service-accounts/default/identity?audience=" + AUDIENCE, false);
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(google.emulator().idTokensMinted()).isZero();
	}

	@Test
	void availabilityPingAnswersWithMetadataFlavorGoogle() throws Exception {
		HttpResponse<String> response = get("/", true);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Metadata-Flavor")).hasValue("Google");
	}

	@Test
	void servesEmailProjectAndRegion() throws Exception {
		GoogleIdentityEmulator emulator = google.emulator();
		assertThat(get("/computeMetadata/v1/instance/service-accounts/default/email", true).body())
			.isEqualTo(emulator.metadataServiceAccount().email());
		assertThat(get("/computeMetadata/v1/project/project-id", true).body()).isEqualTo("emulator-project");
		assertThat(get("/computeMetadata/v1/project/numeric-project-id", true).body()).isEqualTo("123456789012");
		assertThat(get("/computeMetadata/v1/instance/region", true).body())
			.isEqualTo("projects/123456789012/regions/us-central1");
	}

	@Test
	void identityWithoutAudienceIsABadRequest() throws Exception {
		assertThat(get("/computeMetadata/v1/instance/service-accounts/default/identity", true).statusCode())
			.isEqualTo(400);
	}

	@Test
	void bareIssuerFormIsUsedWhenConfigured() throws IOException {
		google.emulator().setIssuer(Issuer.BARE);
		try {
			IdToken token = computeEngineCredentials().idTokenWithAudience(AUDIENCE, List.of());
			assertThat(verify(token.getTokenValue()).getClaimAsString("iss")).isEqualTo("accounts.google.com");
		}
		finally {
			google.emulator().setIssuer(Issuer.HTTPS);
		}
	}

	@Test
	void tokenLifetimeIsConfigurable() throws IOException {
		google.emulator().setTokenLifetime(Duration.ofSeconds(5));
		try {
			Jwt jwt = verify(computeEngineCredentials().idTokenWithAudience(AUDIENCE, List.of()).getTokenValue());
			assertThat(jwt.getExpiresAt()).isEqualTo(jwt.getIssuedAt().plusSeconds(5));
		}
		finally {
			google.emulator().setTokenLifetime(Duration.ofHours(1));
		}
	}

	private HttpResponse<String> get(String path, boolean withFlavor) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(google.emulator().metadataUri() + path));
		if (withFlavor) {
			request.header("Metadata-Flavor", "Google");
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static ComputeEngineCredentials computeEngineCredentials() {
		return EmulatorClients.computeEngineCredentials(google.emulator());
	}

	private static Jwt verify(String token) {
		return EmulatorClients.verify(google.emulator(), token);
	}

}
