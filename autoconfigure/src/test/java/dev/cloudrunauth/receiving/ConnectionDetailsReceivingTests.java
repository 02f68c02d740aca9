package dev.cloudrunauth.receiving;

import dev.cloudrunauth.GoogleIdentityConnectionDetails;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.security.core.Authentication;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A {@link GoogleIdentityConnectionDetails} bean, as {@code @ServiceConnection} makes,
 * names the key set in place of {@code cloudrun.auth.receiving.jwk-set-uri}, servlet and
 * WebFlux; who may call stays the application's to say.
 */
class ConnectionDetailsReceivingTests {

	static final String AUDIENCE = "https://receiving-123456789012.us-central1.run.app";

	static final String CALLER = "orders@p.iam.gserviceaccount.com";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();

	@Test
	void keysComeFromTheConnectionDetailsRatherThanTheProperty() {
		runner().run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(ReceivingSettings.class).jwkSetUri()).hasToString(google.emulator().jwkSetUri());
			MockMvc mvc = ReceivingContexts.mockMvc(context);
			mvc.perform(get("/orders").header("Authorization", "Bearer " + token(CALLER, AUDIENCE)))
				.andExpect(status().isOk())
				.andExpect(content().string("orders for " + CALLER));
			mvc.perform(get("/orders").header("Authorization",
					"Bearer " + token("stranger@evil.iam.gserviceaccount.com", AUDIENCE)))
				.andExpect(status().isForbidden());
			mvc.perform(get("/orders").header("Authorization", "Bearer " + token(CALLER, "https://other.example")))
				.andExpect(status().isUnauthorized());
		});
	}

	@Test
	void aWebFluxApplicationTakesItsKeysFromTheConnectionDetailsToo() {
		GoogleIdentityEmulator emulator = google.emulator();
		ReceivingContexts.reactive(emulator, AUDIENCE)
			.withPropertyValues("cloudrun.auth.receiving.jwk-set-uri=http://127.0.0.1:1/unreachable",
					"cloudrun.auth.receiving.allowed-callers=" + CALLER)
			.withBean(GoogleIdentityConnectionDetails.class, () -> connectionDetails(emulator))
			.withUserConfiguration(FluxOrdersController.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				WebTestClient client = ReceivingContexts.webTestClient(context);
				client.get()
					.uri("/orders")
					.header("Authorization", "Bearer " + token(CALLER, AUDIENCE))
					.exchange()
					.expectStatus()
					.isOk()
					.expectBody(String.class)
					.isEqualTo("orders for " + CALLER);
				client.get()
					.uri("/orders")
					.header("Authorization", "Bearer " + token("stranger@evil.iam.gserviceaccount.com", AUDIENCE))
					.exchange()
					.expectStatus()
					.isForbidden();
				client.get()
					.uri("/orders")
					.header("Authorization", "Bearer " + token(CALLER, "https://other.example"))
					.exchange()
					.expectStatus()
					.isUnauthorized();
			});
	}

	@Test
	void connectionDetailsDoNotAllowAnyCaller() {
		runner().withPropertyValues("cloudrun.auth.receiving.allowed-callers=")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("cloudrun.auth.receiving.allowed-callers"));
	}

	private static WebApplicationContextRunner runner() {
		GoogleIdentityEmulator emulator = google.emulator();
		return ReceivingContexts.servlet(emulator, AUDIENCE)
			.withPropertyValues("cloudrun.auth.receiving.jwk-set-uri=http://127.0.0.1:1/unreachable",
					"cloudrun.auth.receiving.allowed-callers=" + CALLER)
			.withBean(GoogleIdentityConnectionDetails.class, () -> connectionDetails(emulator))
			.withUserConfiguration(OrdersController.class);
	}

	private static GoogleIdentityConnectionDetails connectionDetails(GoogleIdentityEmulator emulator) {
		return new GoogleIdentityConnectionDetails() {

			@Override
			public String jwkSetUri() {
				return emulator.jwkSetUri();
			}

			@Override
			public String metadataServerHost() {
				return emulator.metadataHost();
			}

		};
	}

	private static String token(String caller, String audience) {
		GoogleIdentityEmulator emulator = google.emulator();
		return emulator.idToken(audience).serviceAccount(emulator.serviceAccount(caller)).sign();
	}

	@RestController
	static class FluxOrdersController {

		@GetMapping("/orders")
		Mono<String> orders(Authentication caller) {
			return Mono.just("orders for " + caller.getName());
		}

	}

	@RestController
	static class OrdersController {

		@GetMapping("/orders")
		String orders(Authentication caller) {
			return "orders for " + caller.getName();
		}

	}

}
