package dev.cloudrunauth.receiving;

import java.util.function.Consumer;

import dev.cloudrunauth.test.emulator.EmulatorEndpoint;
import dev.cloudrunauth.test.emulator.Fault;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import dev.cloudrunauth.test.emulator.IdTokenBuilder;
import dev.cloudrunauth.test.emulator.ServiceAccount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The receiving side of a WebFlux application end to end. The requests refused for what
 * they carry are in {@link ReceivingRejectionTests}, one table for servlet and WebFlux.
 */
class ReceivingReactiveIntegrationTests {

	static final String AUDIENCE = "https://receiving-123456789012.us-central1.run.app";

	static final String CALLER = "calling@emulator-project.iam.gserviceaccount.com";

	static final String READER = "reader@emulator-project.iam.gserviceaccount.com";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension(
			(builder) -> builder.serviceAccount(CALLER));

	@Test
	void validTokenIsAcceptedWithTheCallersEmailAsPrincipal() {
		run((client) -> get(client, "/hello", token()).expectStatus()
			.isOk()
			.expectBody(String.class)
			.isEqualTo("Hello, " + CALLER + "!"));
	}

	@Test
	void allowCallersAndPreAuthorizeWorkOnReactiveMethods() {
		run((client) -> {
			get(client, "/reports", tokenFor(READER)).expectStatus().isOk();
			get(client, "/reports", token()).expectStatus().isForbidden();
			get(client, "/named", token()).expectStatus().isOk();
			get(client, "/named", tokenFor(READER)).expectStatus().isForbidden();
		});
	}

	@Test
	void xServerlessAuthorizationTakesPrecedenceOverAuthorization() {
		run((client) -> {
			client.get()
				.uri("/hello")
				.header("X-Serverless-Authorization", "Bearer " + token())
				.header("Authorization", "Basic YXBwOm93bg==")
				.exchange()
				.expectStatus()
				.isOk();
			client.get()
				.uri("/hello")
				.header("X-Serverless-Authorization", "Bearer " + token())
				.header("Authorization", "Bearer not-a-valid-token")
				.exchange()
				.expectStatus()
				.isOk();
		});
	}

	@Test
	void publicPathsNeedNoToken() {
		run((client) -> {
			client.get().uri("/actuator/health").exchange().expectStatus().isOk();
			client.get()
				.uri("/actuator/health")
				.header("Authorization", "Bearer garbage")
				.exchange()
				.expectStatus()
				.isOk();
		});
	}

	@Test
	void unknownKeyIsFetchedWithoutBlockingAndStartupSurvivesAJwksOutage() {
		google.emulator().inject(EmulatorEndpoint.JWKS, Fault.refuseConnections());
		run((client) -> {
			get(client, "/hello", token()).expectStatus().isUnauthorized();
			google.emulator().clearFault(EmulatorEndpoint.JWKS);
			sleep(1100);
			get(client, "/hello", token()).expectStatus().isOk();
		}, "cloudrun.auth.receiving.jwk-set-refetch-interval=1s");
	}

	@Test
	void trustModeAcceptsATokenWhoseSignatureCloudRunRemoved() {
		run((client) -> get(client, "/hello", idToken().signWithSignatureRemovedByGoogle()).expectStatus().isOk(),
				"cloudrun.auth.receiving.trust-cloud-run-iam=true",
				"cloudrun.auth.receiving.trust-cloud-run-iam-outside-cloud-run=true");
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static WebTestClient.ResponseSpec get(WebTestClient client, String path, String token) {
		return client.get().uri(path).header("Authorization", "Bearer " + token).exchange();
	}

	private static IdTokenBuilder idToken() {
		return google.emulator().idToken(AUDIENCE);
	}

	private static String token() {
		return idToken().sign();
	}

	private static String tokenFor(String email) {
		return idToken().serviceAccount(ServiceAccount.of(email)).sign();
	}

	private void run(Consumer<WebTestClient> callback, String... properties) {
		ReceivingContexts.reactive(google.emulator(), AUDIENCE)
			.withUserConfiguration(TestController.class)
			.withPropertyValues("cloudrun.auth.receiving.allowed-callers=" + CALLER + "," + READER)
			.withPropertyValues(properties)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				callback.accept(ReceivingContexts.webTestClient(context));
			});
	}

	@RestController
	static class TestController {

		@GetMapping("/hello")
		Mono<String> hello(Mono<Authentication> authentication) {
			return authentication.map((caller) -> "Hello, " + caller.getName() + "!");
		}

		@GetMapping("/reports")
		@AllowCallers(READER)
		Mono<String> reports() {
			return Mono.just("reports");
		}

		@GetMapping("/named")
		@PreAuthorize("authentication.name == '" + CALLER + "'")
		Mono<String> named() {
			return Mono.just("named");
		}

		@GetMapping("/actuator/health")
		Mono<String> health() {
			return Mono.just("UP");
		}

	}

}
