package dev.cloudrunauth.sample.calling;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.google.auth.http.HttpTransportFactory;
import com.google.auth.oauth2.ComputeEngineCredentials;
import com.google.auth.oauth2.GoogleCredentials;
import dev.cloudrunauth.test.LoopbackResponse;
import dev.cloudrunauth.test.LoopbackServer;
import dev.cloudrunauth.test.RecordedRequest;
import dev.cloudrunauth.test.emulator.EmulatorHttpTransportFactory;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The calling service against a stand-in receiving service that verifies the ID token against the emulator.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
class CallingApplicationTests {

	private static final String CALLER = "calling@demo.iam.gserviceaccount.com";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension(
			(builder) -> builder.serviceAccount(CALLER));

	static LoopbackServer receiving;

	@BeforeAll
	static void startReceiving() {
		receiving = LoopbackServer.start(CallingApplicationTests::receive);
	}

	@AfterAll
	static void stopReceiving() {
		receiving.close();
	}

	@DynamicPropertySource
	static void receivingUrl(DynamicPropertyRegistry registry) {
		registry.add("cloudrun.auth.calling.targets.receiving.url", CallingApplicationTests::receivingUrl);
	}

	@LocalServerPort
	int port;

	@Test
	void restClientCallCarriesTheCallersToken() throws Exception {
		HttpResponse<String> response = get("/");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("Response from receiving service: Hello, " + CALLER + "!");
	}

	@Test
	void webClientCallCarriesTheCallersToken() throws Exception {
		HttpResponse<String> response = get("/reactive");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("Response from receiving service: Hello, " + CALLER + "!");
	}

	@Test
	void reportsPassTheReceivingServicesStatusThrough() throws Exception {
		HttpResponse<String> response = get("/reports");
		assertThat(response.statusCode()).isEqualTo(403);
	}

	private HttpResponse<String> get(String path) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
					HttpResponse.BodyHandlers.ofString());
	}

	private static String receivingUrl() {
		return receiving.url();
	}

	private static LoopbackResponse receive(RecordedRequest request) {
		String authorization = request.header("Authorization");
		int status;
		String body;
		try {
			Jwt jwt = NimbusJwtDecoder.withJwkSetUri(google.emulator().jwkSetUri())
				.build()
				.decode(authorization.substring("Bearer ".length()));
			boolean forUs = jwt.getAudience().contains(receivingUrl());
			boolean reports = request.path().equals("/reports");
			status = !forUs ? 401 : reports ? 403 : 200;
			body = (status == 200) ? "Hello, " + jwt.getClaimAsString("email") + "!" : "";
		}
		catch (JwtException | NullPointerException ex) {
			status = 401;
			body = "";
		}
		return LoopbackResponse.text(status, body);
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class EmulatedMetadataServer {

		@Bean
		HttpTransportFactory emulatorTransport() {
			return new EmulatorHttpTransportFactory(google.emulator());
		}

		@Bean
		GoogleCredentials metadataServerCredentials(HttpTransportFactory emulatorTransport) {
			return ComputeEngineCredentials.newBuilder().setHttpTransportFactory(emulatorTransport).build();
		}

	}

}
