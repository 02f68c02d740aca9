package dev.cloudrunauth.test.emulator;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import com.google.auth.oauth2.IdTokenProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIOException;

class FaultInjectionTests {

	private static final String AUDIENCE = "https://receiving-123456789012.us-central1.run.app";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void httpStatusFaultFailsMintsUntilCleared() throws IOException {
		GoogleIdentityEmulator emulator = google.emulator();
		emulator.inject(EmulatorEndpoint.METADATA, Fault.httpStatus(500));
		assertThatIOException()
			.isThrownBy(
					() -> EmulatorClients.computeEngineCredentials(emulator).idTokenWithAudience(AUDIENCE, List.of()))
			.withMessageContaining("500");
		assertThat(emulator.idTokensMinted(AUDIENCE)).isZero();
		emulator.clearFault(EmulatorEndpoint.METADATA);
		assertThat(EmulatorClients.computeEngineCredentials(emulator).idTokenWithAudience(AUDIENCE, List.of()))
			.isNotNull();
		assertThat(emulator.idTokensMinted(AUDIENCE)).isEqualTo(1);
	}

	@Test
	void refusedConnectionsUntilClearedThenTheSamePortAnswersAgain() throws Exception {
		GoogleIdentityEmulator emulator = google.emulator();
		int port = emulator.port(EmulatorEndpoint.JWKS);
		emulator.inject(EmulatorEndpoint.JWKS, Fault.refuseConnections());
		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> get(emulator.jwkSetUri()));
		assertThat(emulator.port(EmulatorEndpoint.JWKS)).isEqualTo(port);
		assertThat(get(emulator.metadataUri() + "/").statusCode()).isEqualTo(200);
		emulator.clearFault(EmulatorEndpoint.JWKS);
		assertThat(get(emulator.jwkSetUri()).statusCode()).isEqualTo(200);
	}

	@Test
	void delayFaultAnswersNormallyAfterTheDelay() throws Exception {
		GoogleIdentityEmulator emulator = google.emulator();
		emulator.inject(EmulatorEndpoint.JWKS, Fault.delay(Duration.ofMillis(600)));
		long start = System.nanoTime();
		HttpResponse<String> response = get(emulator.jwkSetUri());
		long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(elapsedMillis).isGreaterThanOrEqualTo(600);
	}

	@Test
	void faultsOnOneEndpointLeaveTheOthersAlone() throws Exception {
		GoogleIdentityEmulator emulator = google.emulator();
		emulator.inject(EmulatorEndpoint.OAUTH_TOKEN, Fault.httpStatus(503));
		emulator.inject(EmulatorEndpoint.IAM_CREDENTIALS, Fault.refuseConnections());
		assertThat(get(emulator.jwkSetUri()).statusCode()).isEqualTo(200);
		assertThat(EmulatorClients.computeEngineCredentials(emulator).idTokenWithAudience(AUDIENCE, List.of()))
			.isNotNull();
	}

	@Test
	void countersCountMintsPerAudienceJwksFetchesAndRequests() throws Exception {
		GoogleIdentityEmulator emulator = google.emulator();
		IdTokenProvider credentials = EmulatorClients.computeEngineCredentials(emulator);
		credentials.idTokenWithAudience("https://a.example", List.of());
		credentials.idTokenWithAudience("https://a.example", List.of());
		credentials.idTokenWithAudience("https://b.example", List.of());
		get(emulator.jwkSetUri());
		assertThat(emulator.idTokensMinted("https://a.example")).isEqualTo(2);
		assertThat(emulator.idTokensMinted("https://b.example")).isEqualTo(1);
		assertThat(emulator.idTokensMinted()).isEqualTo(3);
		assertThat(emulator.jwksFetches()).isEqualTo(1);
		assertThat(emulator.requests(EmulatorEndpoint.METADATA)).isEqualTo(3);
		emulator.resetCounters();
		assertThat(emulator.idTokensMinted()).isZero();
		assertThat(emulator.jwksFetches()).isZero();
		assertThat(emulator.requests(EmulatorEndpoint.METADATA)).isZero();
	}

	@Test
	void builtTokensAreNotCountedAsMinted() {
		GoogleIdentityEmulator emulator = google.emulator();
		emulator.idToken(AUDIENCE).sign();
		assertThat(emulator.idTokensMinted(AUDIENCE)).isZero();
	}

	private HttpResponse<String> get(String uri) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create(uri)).header("Metadata-Flavor", "Google").build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
