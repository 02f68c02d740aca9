package dev.cloudrunauth.test.emulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GoogleIdentityEmulatorExtensionTests {

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension(
			(builder) -> builder.projectId("extension-project"));

	private static int firstPort;

	@Test
	@Order(1)
	void emulatorIsInjectedAsAParameterAndIsTheRegisteredOne(GoogleIdentityEmulator emulator) throws Exception {
		assertThat(emulator).isSameAs(google.emulator());
		assertThat(emulator.projectId()).isEqualTo("extension-project");
		firstPort = emulator.port(EmulatorEndpoint.METADATA);
		emulator.inject(EmulatorEndpoint.JWKS, Fault.httpStatus(500));
		assertThat(fetchJwks(emulator).statusCode()).isEqualTo(500);
		EmulatorClients.computeEngineCredentials(emulator).idTokenWithAudience("https://x.example", List.of());
		assertThat(emulator.requests(EmulatorEndpoint.JWKS)).isEqualTo(1);
		assertThat(emulator.idTokensMinted()).isEqualTo(1);
	}

	@Test
	@Order(2)
	void faultsAndCountersAreResetBeforeEachTestButTheEmulatorKeepsRunning(GoogleIdentityEmulator emulator)
			throws Exception {
		assertThat(emulator.port(EmulatorEndpoint.METADATA)).isEqualTo(firstPort);
		assertThat(emulator.requests(EmulatorEndpoint.JWKS)).isZero();
		assertThat(emulator.idTokensMinted()).isZero();
		assertThat(fetchJwks(emulator).statusCode()).isEqualTo(200);
	}

	private static HttpResponse<String> fetchJwks(GoogleIdentityEmulator emulator) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(emulator.jwkSetUri())).build(),
					HttpResponse.BodyHandlers.ofString());
	}

}
