package dev.cloudrunauth.test.autoconfigure;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumMap;
import java.util.Map;

import dev.cloudrunauth.test.emulator.EmulatorEndpoint;
import dev.cloudrunauth.test.emulator.Fault;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import org.junit.jupiter.api.Test;

import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestContextManager;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The emulator of {@link AutoConfigureGoogleIdentity} lives exactly as long as its
 * application context, and a test drives it through the injected bean.
 */
class AutoConfigureGoogleIdentityLifecycleTests {

	@Test
	void emulatorStopsListeningWhenItsContextCloses() throws Exception {
		TestContext testContext = new TestContextManager(EmulatedUserTest.class).getTestContext();
		ApplicationContext context = testContext.getApplicationContext();
		GoogleIdentityEmulator emulator = context.getBean(GoogleIdentityEmulator.class);
		assertThat(context.getEnvironment().getProperty("cloudrun.auth.receiving.jwk-set-uri"))
			.isEqualTo(emulator.jwkSetUri());
		Map<EmulatorEndpoint, Integer> ports = new EnumMap<>(EmulatorEndpoint.class);
		for (EmulatorEndpoint endpoint : EmulatorEndpoint.values()) {
			ports.put(endpoint, emulator.port(endpoint));
			assertThat(accepts(emulator.port(endpoint))).as(endpoint.name()).isTrue();
		}
		testContext.markApplicationContextDirty(DirtiesContext.HierarchyMode.EXHAUSTIVE);
		ports.forEach((endpoint, port) -> assertThat(accepts(port)).as(endpoint.name()).isFalse());
	}

	@Test
	void faultsAndCountersOfTheInjectedEmulatorWork() throws Exception {
		TestContext testContext = new TestContextManager(EmulatedUserTest.class).getTestContext();
		GoogleIdentityEmulator emulator = testContext.getApplicationContext().getBean(GoogleIdentityEmulator.class);
		HttpClient client = HttpClient.newHttpClient();
		try {
			HttpRequest jwks = HttpRequest.newBuilder(URI.create(emulator.jwkSetUri())).build();
			emulator.resetCounters();
			emulator.inject(EmulatorEndpoint.JWKS, Fault.httpStatus(503));
			assertThat(client.send(jwks, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(503);
			emulator.clearFault(EmulatorEndpoint.JWKS);
			assertThat(client.send(jwks, HttpResponse.BodyHandlers.ofString()).body()).contains("\"keys\"");
			assertThat(emulator.requests(EmulatorEndpoint.JWKS)).isEqualTo(2);
			emulator.inject(EmulatorEndpoint.JWKS, Fault.refuseConnections());
			assertThatExceptionOfType(ConnectException.class)
				.isThrownBy(() -> client.send(jwks, HttpResponse.BodyHandlers.discarding()));
			emulator.clearFault(EmulatorEndpoint.JWKS);
			assertThat(client.send(jwks, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
		}
		finally {
			testContext.markApplicationContextDirty(DirtiesContext.HierarchyMode.EXHAUSTIVE);
		}
	}

	private static boolean accepts(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	@SpringJUnitConfig(EmulatedUserTest.Config.class)
	@AutoConfigureGoogleIdentity
	static class EmulatedUserTest {

		@Configuration(proxyBeanMethods = false)
		static class Config {

		}

	}

}
