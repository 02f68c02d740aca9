package dev.cloudrunauth.calling;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;

import com.nimbusds.jwt.SignedJWT;
import dev.cloudrunauth.GoogleIdentityConnectionDetails;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link GoogleIdentityConnectionDetails} bean, as {@code @ServiceConnection} makes,
 * sends the calling side to its metadata server, as {@code GCE_METADATA_HOST} would,
 * rather than to Application Default Credentials.
 */
class ConnectionDetailsCallingTests {

	static final String AUDIENCE = "https://orders-123456789012.us-central1.run.app";

	static final String IDENTITY = "billing@myproj.iam.gserviceaccount.com";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension(
			(builder) -> builder.serviceAccount(IDENTITY));

	@Test
	void tokensAreMintedByTheMetadataServerOfTheConnectionDetails() {
		runner().run((context) -> {
			assertThat(context).hasNotFailed();
			String token = context.getBean(IdTokenSource.class).token(AUDIENCE);
			assertThat(SignedJWT.parse(token).getJWTClaimsSet().getStringClaim("email")).isEqualTo(IDENTITY);
			assertThat(google.emulator().idTokensMinted(AUDIENCE)).isEqualTo(1);
		});
	}

	@Test
	void onlyTheMetadataServerIsRouted() throws Exception {
		MetadataServerTransportFactory transport = new MetadataServerTransportFactory("127.0.0.1:8090");
		assertThat(transport.route(url("http://metadata.google.internal/computeMetadata/v1/x?a=b")))
			.hasToString("http://127.0.0.1:8090/computeMetadata/v1/x?a=b");
		assertThat(transport.route(url("http://169.254.169.254/computeMetadata/v1/")))
			.hasToString("http://127.0.0.1:8090/computeMetadata/v1/");
		assertThat(transport.route(url("https://iamcredentials.googleapis.com/v1/x")))
			.hasToString("https://iamcredentials.googleapis.com/v1/x");
	}

	private static URL url(String url) throws MalformedURLException {
		return URI.create(url).toURL();
	}

	private static ApplicationContextRunner runner() {
		GoogleIdentityEmulator emulator = google.emulator();
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(CloudRunCallingAutoConfiguration.class))
			.withBean(GoogleIdentityConnectionDetails.class, () -> new GoogleIdentityConnectionDetails() {

				@Override
				public String jwkSetUri() {
					return emulator.jwkSetUri();
				}

				@Override
				public String metadataServerHost() {
					return emulator.metadataHost();
				}

			});
	}

}
