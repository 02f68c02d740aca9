package dev.cloudrunauth.test.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.IdToken;
import com.google.auth.oauth2.ServiceAccountCredentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.security.oauth2.jwt.Jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

class ServiceAccountKeyTests {

	private static final String AUDIENCE = "https://receiving-123456789012.us-central1.run.app";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();

	@TempDir
	Path dir;

	@Test
	void keyFileCredentialsExchangeAnAssertionForAnIdToken() throws IOException {
		GoogleIdentityEmulator emulator = google.emulator();
		ServiceAccount account = emulator.serviceAccount("keyfile@emulator-project.iam.gserviceaccount.com");
		ServiceAccountCredentials credentials = load(
				emulator.writeServiceAccountKey(account, this.dir.resolve("key.json")));
		IdToken token = credentials.idTokenWithAudience(AUDIENCE, List.of());
		Jwt jwt = EmulatorClients.verify(emulator, token.getTokenValue());
		assertThat(jwt.getAudience()).containsExactly(AUDIENCE);
		assertThat(jwt.getClaimAsString("iss")).isEqualTo("https://accounts.google.com");
		assertThat(jwt.getSubject()).isEqualTo(account.uniqueId());
		assertThat(jwt.getClaimAsString("email")).isEqualTo(account.email());
		assertThat(jwt.getClaimAsBoolean("email_verified")).isTrue();
		assertThat(emulator.idTokensMinted(AUDIENCE)).isEqualTo(1);
	}

	@Test
	void keyFileCredentialsWithScopesGetAnAccessToken() throws IOException {
		GoogleIdentityEmulator emulator = google.emulator();
		ServiceAccount account = emulator.serviceAccount("keyfile@emulator-project.iam.gserviceaccount.com");
		GoogleCredentials credentials = load(emulator.writeServiceAccountKey(account, this.dir.resolve("key.json")))
			.createScoped(MetadataServerHandler.CLOUD_PLATFORM_SCOPE);
		AccessToken token = credentials.refreshAccessToken();
		assertThat(token.getTokenValue()).startsWith("ya29.");
		assertThat(emulator.idTokensMinted()).isZero();
	}

	@Test
	void assertionSignedWithAKeyTheEmulatorDidNotIssueIsRejected() throws IOException {
		Path foreignKey = this.dir.resolve("foreign.json");
		try (GoogleIdentityEmulator other = GoogleIdentityEmulator.start()) {
			String json = other.serviceAccountKeyJson(other.serviceAccount("x@p.iam.gserviceaccount.com"));
			Files.writeString(foreignKey, json.replace(other.tokenUri(), google.emulator().tokenUri()));
		}
		ServiceAccountCredentials credentials = load(foreignKey);
		assertThatIOException().isThrownBy(() -> credentials.idTokenWithAudience(AUDIENCE, List.of()))
			.withMessageContaining("invalid_grant");
		assertThat(google.emulator().idTokensMinted()).isZero();
	}

	private static ServiceAccountCredentials load(Path keyFile) throws IOException {
		try (InputStream in = Files.newInputStream(keyFile)) {
			return ServiceAccountCredentials.fromStream(in);
		}
	}

}
