package dev.cloudrunauth.receiving;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.google.auth.oauth2.UserCredentials;
import dev.cloudrunauth.test.emulator.EmulatedUsers;
import dev.cloudrunauth.test.emulator.EmulatorHttpTransportFactory;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.core.Authentication;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * What a receiving application makes of the ID token that
 * {@code cloudrun.auth.calling.user-credentials=id-token} sends: the user's own, from the
 * refresh of an {@code authorized_user} file at the emulator, whose audience is the OAuth
 * client. It is accepted only where that client ID is among the audiences, and passes
 * caller rules only where the user is allowed.
 */
class UserIdTokenReceivingTests {

	private static final String SERVICE = "https://receiving-123456789012.us-central1.run.app";

	private static final String USER = "developer@example.com";

	private static final String CLIENT_ID = EmulatedUsers.GCLOUD_CLIENT_ID;

	private static final String CALLER = "calling@emulator-project.iam.gserviceaccount.com";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();

	@TempDir
	Path directory;

	private String token;

	@BeforeEach
	void refreshTheUsersCredentials() throws IOException {
		Path file = google.emulator().users().writeAuthorizedUser(USER, CLIENT_ID, this.directory.resolve("adc.json"));
		try (InputStream in = Files.newInputStream(file)) {
			UserCredentials user = UserCredentials.fromStream(in, new EmulatorHttpTransportFactory(google.emulator()));
			this.token = user.idTokenWithAudience(SERVICE, List.of()).getTokenValue();
		}
	}

	@Test
	void withTheClientIdAmongTheAudiencesAndTheUserAllowedTheTokenIsAccepted() {
		servlet(SERVICE + "," + CLIENT_ID, USER + "," + CALLER, (mvc) -> {
			call(mvc, "/orders/42").andExpect(status().isOk()).andExpect(content().string("order 42 for " + USER));
			call(mvc, "/billing/invoices").andExpect(status().isOk());
		});
	}

	@Test
	void withoutTheClientIdAmongTheAudiencesTheTokenGets401() {
		servlet(SERVICE, USER + "," + CALLER, (mvc) -> {
			call(mvc, "/orders/42").andExpect(status().isUnauthorized());
			call(mvc, "/billing/invoices").andExpect(status().isUnauthorized());
		});
	}

	@Test
	void aUserOutsideTheAllowedCallersGets403() {
		servlet(SERVICE + "," + CLIENT_ID, CALLER, (mvc) -> call(mvc, "/orders/42").andExpect(status().isForbidden()));
	}

	@Test
	void aMethodRuleNamingOnlyServiceAccountsRefusesTheUser() {
		servlet(SERVICE + "," + CLIENT_ID, USER + "," + CALLER,
				(mvc) -> call(mvc, "/billing/refunds").andExpect(status().isForbidden()));
	}

	@Test
	void aWebFluxApplicationAcceptsItOnlyWithTheClientIdAmongTheAudiences() {
		for (String audiences : List.of(SERVICE + "," + CLIENT_ID, SERVICE)) {
			ReceivingContexts.reactive(google.emulator(), audiences)
				.withUserConfiguration(ReactiveController.class)
				.withPropertyValues("cloudrun.auth.receiving.allowed-callers=" + USER)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					ReceivingContexts.webTestClient(context)
						.get()
						.uri("/hello")
						.header("Authorization", "Bearer " + this.token)
						.exchange()
						.expectStatus()
						.isEqualTo(audiences.contains(CLIENT_ID) ? 200 : 401);
				});
		}
	}

	private void servlet(String audiences, String allowedCallers, MvcCallback callback) {
		ReceivingContexts.servlet(google.emulator(), audiences)
			.withUserConfiguration(Controllers.class)
			.withPropertyValues("cloudrun.auth.receiving.allowed-callers=" + allowedCallers)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				callback.run(ReceivingContexts.mockMvc(context));
			});
	}

	private ResultActions call(MockMvc mvc, String path) throws Exception {
		return mvc.perform(get(path).header("Authorization", "Bearer " + this.token));
	}

	@FunctionalInterface
	interface MvcCallback {

		void run(MockMvc mvc) throws Exception;

	}

	@RestController
	@RequestMapping("/orders")
	static class OrdersController {

		@GetMapping("/{id}")
		String order(@PathVariable String id, Authentication caller) {
			return "order " + id + " for " + caller.getName();
		}

	}

	@RestController
	@RequestMapping("/billing")
	@AllowCallers({ USER, CALLER })
	static class BillingController {

		@GetMapping("/invoices")
		String invoices() {
			return "invoices";
		}

		@GetMapping("/refunds")
		@AllowCallers(CALLER)
		String refunds() {
			return "refunds";
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import({ OrdersController.class, BillingController.class })
	static class Controllers {

	}

	@RestController
	static class ReactiveController {

		@GetMapping("/hello")
		Mono<String> hello(Mono<Authentication> authentication) {
			return authentication.map((caller) -> "Hello, " + caller.getName() + "!");
		}

	}

}
