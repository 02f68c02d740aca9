package dev.cloudrunauth.sample.receiving;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.ServiceAccount;
import dev.cloudrunauth.test.testcontainers.GoogleIdentityEmulatorContainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's {@code compose} profile as {@code spring-boot:run} uses it: Spring Boot's
 * Docker Compose support starts the emulator of the repository's {@code compose.yaml},
 * and the sample verifies tokens from that emulator's metadata server with that
 * emulator's keys, with no key set URL configured. The image is built first (on
 * {@code BASE_IMAGE} if set), under the name the file uses.
 */
@ExtendWith(DockerComposeRequirement.class)
@ActiveProfiles("compose")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "spring.docker.compose.skip.in-tests=false",
				"spring.docker.compose.lifecycle-management=start-and-stop",
				"spring.docker.compose.stop.command=down" })
class ComposeProfileIT {

	/** The identity of the compose file's metadata server. */
	static final String CALLING = "calling@demo-project.iam.gserviceaccount.com";

	/** The profile's audience. */
	static final String AUDIENCE = "http://127.0.0.1:8081";

	@LocalServerPort
	int port;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void buildImage() throws InterruptedException, ExecutionException {
		GoogleIdentityEmulatorContainer
			.image(Path.of("../test-support/Dockerfile"), emulatorJar(), System.getenv("BASE_IMAGE"))
			.get();
	}

	@Test
	void aTokenFromTheComposeEmulatorsMetadataServerIsAccepted() throws Exception {
		HttpResponse<String> response = hello(metadataServerToken());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("Hello, " + CALLING + "!");
	}

	@Test
	void aTokenSignedWithOtherKeysGets401() throws Exception {
		try (GoogleIdentityEmulator other = GoogleIdentityEmulator.start()) {
			String token = other.idToken(AUDIENCE).serviceAccount(ServiceAccount.of(CALLING)).sign();
			assertThat(hello(token).statusCode()).isEqualTo(401);
		}
	}

	private String metadataServerToken() throws Exception {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:8090/computeMetadata/v1/instance/service-accounts/default/identity"
					+ "?format=full&audience=" + AUDIENCE))
			.header("Metadata-Flavor", "Google")
			.build();
		HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return response.body();
	}

	private HttpResponse<String> hello(String token) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/hello"))
			.header("Authorization", "Bearer " + token)
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	static Path emulatorJar() {
		Path target = Path.of("../test-support/target");
		try (Stream<Path> files = Files.list(target)) {
			return files.filter((file) -> file.getFileName().toString().endsWith("-emulator.jar"))
				.findFirst()
				.orElseThrow(() -> new IllegalStateException("No emulator jar in " + target.toAbsolutePath()));
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException("No emulator jar in " + target.toAbsolutePath(), ex);
		}
	}

}
