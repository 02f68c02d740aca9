package dev.cloudrunauth.test.emulator;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.IdToken;
import com.google.auth.oauth2.UserCredentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.security.oauth2.jwt.Jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * {@link GoogleIdentityEmulator#users()}: {@code authorized_user} files that
 * google-auth-library's {@link UserCredentials} refresh at the emulator, as files from
 * {@code gcloud auth login --update-adc} at Google's token endpoint.
 */
class AuthorizedUserTests {

	private static final String USER = "developer@example.com";

	private static final String CLIENT_ID = EmulatedUsers.GCLOUD_CLIENT_ID;

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();

	@TempDir
	Path dir;

	@Test
	void theRefreshAnswersTheUsersIdTokenForTheOAuthClientWhateverTheAudience() throws IOException {
		GoogleIdentityEmulator emulator = google.emulator();
		UserCredentials user = load(emulator.users().authorizedUserJson(USER, CLIENT_ID));
		IdToken token = user.idTokenWithAudience("https://receiving.example", List.of());
		Jwt jwt = EmulatorClients.verify(emulator, token.getTokenValue());
		assertThat(jwt.getAudience()).containsExactly(CLIENT_ID);
		assertThat(jwt.getClaimAsString("azp")).isEqualTo(CLIENT_ID);
		assertThat(jwt.getClaimAsString("iss")).isEqualTo("https://accounts.google.com");
		assertThat(jwt.getClaimAsString("email")).isEqualTo(USER);
		assertThat(jwt.getClaimAsBoolean("email_verified")).isTrue();
		assertThat(jwt.getSubject()).isEqualTo(emulator.serviceAccount(USER).uniqueId());
		assertThat(emulator.idTokensMinted(CLIENT_ID)).isEqualTo(1);
	}

	@Test
	void theFileIsReadAsUserCredentialsAndGetsAnAccessToken() throws IOException {
		GoogleIdentityEmulator emulator = google.emulator();
		Path file = emulator.users().writeAuthorizedUser(USER, CLIENT_ID, this.dir.resolve("adc.json"));
		GoogleCredentials credentials;
		try (InputStream in = Files.newInputStream(file)) {
			credentials = GoogleCredentials.fromStream(in);
		}
		assertThat(credentials).isInstanceOf(UserCredentials.class);
		AccessToken token = credentials.refreshAccessToken();
		assertThat(token.getTokenValue()).startsWith("ya29.");
	}

	@Test
	void aWrongClientSecretIsRefusedAsAnInvalidClient() throws IOException {
		String json = google.emulator().users().authorizedUserJson(USER, CLIENT_ID);
		UserCredentials user = load(json.replaceAll("\"client_secret\":\"[^\"]+\"", "\"client_secret\":\"guessed\""));
		assertThatIOException().isThrownBy(user::refreshAccessToken).withMessageContaining("401 Unauthorized");
		assertThat(google.emulator().idTokensMinted(CLIENT_ID)).isZero();
	}

	@Test
	void anUnknownRefreshTokenOrAnotherClientsIsRefusedAsAnInvalidGrant() throws IOException {
		String json = google.emulator().users().authorizedUserJson(USER, CLIENT_ID);
		UserCredentials unknown = load(
				json.replaceAll("\"refresh_token\":\"[^\"]+\"", "\"refresh_token\":\"1//guessed\""));
		assertThatIOException().isThrownBy(unknown::refreshAccessToken).withMessageContaining("invalid_grant");
		UserCredentials otherClient = load(json.replace(CLIENT_ID, "other.apps.googleusercontent.com"));
		assertThatIOException().isThrownBy(otherClient::refreshAccessToken).withMessageContaining("invalid_grant");
		assertThat(google.emulator().idTokensMinted(CLIENT_ID)).isZero();
	}

	private static UserCredentials load(String json) throws IOException {
		return UserCredentials.fromStream(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
	}

}
