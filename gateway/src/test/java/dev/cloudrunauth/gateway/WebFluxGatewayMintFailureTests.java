package dev.cloudrunauth.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.cloudrunauth.test.LoggedTokens;
import dev.cloudrunauth.test.autoconfigure.AutoConfigureGoogleIdentity;
import dev.cloudrunauth.test.emulator.EmulatorEndpoint;
import dev.cloudrunauth.test.emulator.Fault;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway that cannot mint, its metadata server refusing connections: a routed request
 * gets 503 and is not sent, to a declared target as through the filter.
 */
@SpringBootTest(classes = WebFluxGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "logging.level.dev.cloudrunauth=TRACE",
				"cloudrun.auth.calling.timeout=2s", "cloudrun.auth.calling.backoff.initial=200ms",
				"cloudrun.auth.calling.backoff.max=500ms" })
@AutoConfigureGoogleIdentity(serviceAccount = WebFluxGatewayIdTokenTests.GATEWAY)
@ExtendWith(OutputCaptureExtension.class)
class WebFluxGatewayMintFailureTests {

	@Autowired
	GoogleIdentityEmulator emulator;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void routes(DynamicPropertyRegistry registry) {
		WebFluxGatewayIdTokenTests.routes(registry);
	}

	@BeforeEach
	void failMinting() {
		WebFluxGatewayApplication.declared.clear();
		WebFluxGatewayApplication.other.clear();
		this.emulator.inject(EmulatorEndpoint.METADATA, Fault.refuseConnections());
	}

	@AfterEach
	void restore() {
		this.emulator.clearFault(EmulatorEndpoint.METADATA);
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "/declared/orders", "/yaml/orders", "/java/orders" })
	void routedRequestGets503AndIsNotSent(String path, CapturedOutput output) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.header("Authorization", "Bearer xyz")
			.build();
		HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.body()).doesNotContain("xyz");
		assertThat(WebFluxGatewayApplication.declared.requestCount()).isZero();
		assertThat(WebFluxGatewayApplication.other.requestCount()).isZero();
		assertThat(output).contains("Routed request GET " + path + " not sent");
		assertThat(LoggedTokens.find(output)).isEmpty();
	}

}
