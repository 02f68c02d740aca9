package dev.cloudrunauth.calling;

import java.time.Duration;

import dev.cloudrunauth.test.JavaProcess;
import dev.cloudrunauth.test.LoopbackServer;
import dev.cloudrunauth.test.emulator.EmulatorEndpoint;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default credentials path, exactly as on Cloud Run: Application Default Credentials
 * find the metadata server through {@code GCE_METADATA_HOST}, which google-auth-library
 * reads only from the process environment.
 */
class ApplicationDefaultCredentialsTests {

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension(
			(builder) -> builder.serviceAccount("calling@emulator-project.iam.gserviceaccount.com"));

	@Test
	void applicationDefaultCredentialsUseTheMetadataServerWithFormatFull() {
		GoogleIdentityEmulator emulator = google.emulator();
		try (LoopbackServer target = LoopbackServer.start()) {
			JavaProcess.Completed child = JavaProcess.mainClass(ApplicationDefaultCredentialsCallMain.class)
				.applicationDefaultCredentials(emulator)
				.arguments(target.url() + "/hello", "--cloudrun.auth.calling.targets.receiving.url=" + target.url())
				.run(Duration.ofSeconds(90));
			assertThat(child.exitCode()).as(child.output()).isZero();
			assertThat(child.output()).contains("response=ok");
			Jwt jwt = NimbusJwtDecoder.withJwkSetUri(emulator.jwkSetUri())
				.build()
				.decode(target.onlyRequest().bearerToken("Authorization"));
			assertThat(jwt.getAudience()).containsExactly(target.url());
			assertThat(jwt.getClaimAsString("email")).isEqualTo("calling@emulator-project.iam.gserviceaccount.com");
			assertThat(jwt.getClaimAsBoolean("email_verified")).isTrue();
			assertThat(emulator.idTokensMinted(target.url())).isEqualTo(1);
			assertThat(emulator.requests(EmulatorEndpoint.OAUTH_TOKEN)).isZero();
		}
	}

}
