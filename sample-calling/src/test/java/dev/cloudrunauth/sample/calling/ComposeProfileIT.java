package dev.cloudrunauth.sample.calling;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import dev.cloudrunauth.test.LoopbackServer;
import dev.cloudrunauth.test.testcontainers.GoogleIdentityEmulatorContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's {@code compose} profile as {@code spring-boot:run} uses it: Spring Boot's
 * Docker Compose support starts the emulator of the repository's {@code compose.yaml},
 * which becomes the sample's metadata server with no {@code GCE_METADATA_HOST}: a call to
 * the receiving service (here a loopback server in its place) carries a token of the
 * compose file's identity, signed with that emulator's keys. The image is built first (on
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

	static final LoopbackServer receiving = LoopbackServer.start();

	@LocalServerPort
	int port;

	@BeforeAll
	static void buildImage() throws InterruptedException, ExecutionException {
		GoogleIdentityEmulatorContainer
			.image(Path.of("../test-support/Dockerfile"), emulatorJar(), System.getenv("BASE_IMAGE"))
			.get();
	}

	@DynamicPropertySource
	static void receivingUrl(DynamicPropertyRegistry registry) {
		registry.add("cloudrun.auth.calling.targets.receiving.url", receiving::url);
	}

	@AfterAll
	static void stopReceiving() {
		receiving.close();
	}

	@Test
	void aCallToTheReceivingServiceCarriesATokenFromTheComposeEmulator() throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/")).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		SignedJWT token = SignedJWT.parse(receiving.onlyRequest().bearerToken("Authorization"));
		assertThat(token.getJWTClaimsSet().getStringClaim("email")).isEqualTo(CALLING);
		assertThat(token.getJWTClaimsSet().getAudience()).containsExactly(receiving.url());
		RSAKey key = JWKSet.load(new URL("http://127.0.0.1:8093/oauth2/v3/certs"))
			.getKeyByKeyId(token.getHeader().getKeyID())
			.toRSAKey();
		assertThat(token.verify(new RSASSAVerifier(key))).isTrue();
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
