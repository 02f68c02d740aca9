package dev.cloudrunauth.calling;

import com.google.auth.http.HttpTransportFactory;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.ExternalAccountCredentials;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.UserCredentials;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.mockito.Mockito.mock;

class GoogleCredentialsIdTokenMinterTests {

	private final HttpTransportFactory refusingTransport = () -> {
		throw new AssertionError("no request may be made");
	};

	@Test
	void userCredentialsAreRefusedBeforeAnyRequestWithTheFixNamed() {
		GoogleCredentials user = UserCredentials.newBuilder()
			.setClientId("id")
			.setClientSecret("secret")
			.setRefreshToken("refresh")
			.setHttpTransportFactory(this.refusingTransport)
			.build();
		assertThatIOException().isThrownBy(() -> minter(user, null).mint("https://a.example"))
			.withMessageContaining("user credentials")
			.withMessageContaining("gcloud auth application-default login")
			.withMessageContaining("cloudrun.auth.calling.impersonate-service-account")
			.withMessageContaining("roles/iam.serviceAccountOpenIdTokenCreator")
			.withMessageContaining("cloudrun.auth.calling.user-credentials=id-token");
	}

	@Test
	void workloadIdentityFederationCredentialsAreRefusedWithTheFixNamed() {
		GoogleCredentials federated = mock(ExternalAccountCredentials.class);
		assertThatIOException().isThrownBy(() -> minter(federated, null).mint("https://a.example"))
			.withMessageContaining("workload identity federation")
			.withMessageContaining("cloudrun.auth.calling.impersonate-service-account");
	}

	@Test
	void credentialsThatCannotMintIdTokensAreRefused() {
		GoogleCredentials accessTokenOnly = GoogleCredentials.create(new AccessToken("ya29.x", null));
		assertThatIOException().isThrownBy(() -> minter(accessTokenOnly, null).mint("https://a.example"))
			.withMessageContaining("GoogleCredentials cannot mint ID tokens");
	}

	@Test
	void impersonationIsDescribedWithItsSource() {
		GoogleCredentials user = UserCredentials.newBuilder()
			.setClientId("id")
			.setClientSecret("secret")
			.setRefreshToken("refresh")
			.build();
		GoogleCredentialsIdTokenMinter minter = minter(user, "invoker@p.iam.gserviceaccount.com");
		assertThat(minter.describeCredentials()).startsWith("impersonation of invoker@p.iam.gserviceaccount.com over");
	}

	private GoogleCredentialsIdTokenMinter minter(GoogleCredentials credentials, String impersonate) {
		CredentialsLoader loader = new CredentialsLoader() {

			@Override
			public GoogleCredentials load(HttpTransportFactory transportFactory) {
				return credentials;
			}

			@Override
			public String description() {
				return credentials.getClass().getSimpleName();
			}

		};
		return new GoogleCredentialsIdTokenMinter(loader, impersonate, this.refusingTransport);
	}

}
