package dev.cloudrunauth.sample.calling;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import com.google.auth.http.HttpTransportFactory;
import com.google.auth.oauth2.ComputeEngineCredentials;
import com.google.auth.oauth2.GoogleCredentials;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
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

	static HttpServer receiving;

	@BeforeAll
	static void startReceiving() throws IOException {
		receiving = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
		receiving.createContext("/", CallingApplicationTests::receive);
		receiving.start();
	}

	@AfterAll
	static void stopReceiving() {
		receiving.stop(0);
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
		return "http://127.0.0.1:" + receiving.getAddress().getPort();
	}

	private static void receive(HttpExchange exchange) throws IOException {
		try (exchange) {
			String authorization = exchange.getRequestHeaders().getFirst("Authorization");
			int status;
			String body;
			try {
				Jwt jwt = NimbusJwtDecoder.withJwkSetUri(google.emulator().jwkSetUri())
					.build()
					.decode(authorization.substring("Bearer ".length()));
				boolean forUs = jwt.getAudience().contains(receivingUrl());
				boolean reports = exchange.getRequestURI().getPath().equals("/reports");
				status = !forUs ? 401 : reports ? 403 : 200;
				body = (status == 200) ? "Hello, " + jwt.getClaimAsString("email") + "!" : "";
			}
			catch (JwtException | NullPointerException ex) {
				status = 401;
				body = "";
			}
			byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(status, (bytes.length > 0) ? bytes.length : -1);
			exchange.getResponseBody().write(bytes);
		}
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
