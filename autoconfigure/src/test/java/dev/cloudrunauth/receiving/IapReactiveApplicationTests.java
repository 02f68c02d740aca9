package dev.cloudrunauth.receiving;

import java.util.function.Consumer;

import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import dev.cloudrunauth.test.emulator.IapAssertionBuilder;
import dev.cloudrunauth.test.emulator.IapSigningKeys;
import dev.cloudrunauth.test.emulator.ServiceAccount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * IAP mode in a WebFlux application shaped like users' applications: a page for end
 * users, an internal controller for one service account ({@code @AllowCallers}), an admin
 * page behind the application's own {@code @PreAuthorize}, and a public path.
 */
class IapReactiveApplicationTests {

	static final String AUDIENCE = "https://receiving-123456789012.us-central1.run.app";

	static final String IAP_AUDIENCE = "/projects/123456789012/locations/us-central1/services/receiving";

	static final String CALLER = "a-caller@p.iam.gserviceaccount.com";

	static final String ALICE = "alice@example.com";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();

	@Test
	void aValidAssertionAuthenticatesTheEndUser() {
		run((client) -> iap(client, "/whoami", assertion(ALICE).sign()).expectStatus()
			.isOk()
			.expectBody(String.class)
			.isEqualTo(ALICE + " " + assertion(ALICE).claims().get("sub")));
	}

	@Test
	void theRemovedSignatureOfIapsServiceAgentTokenDoesNotBreakTheIapPath() {
		String serviceAgent = google.emulator()
			.idToken(AUDIENCE)
			.serviceAccount(ServiceAccount.of("service-123456789012@gcp-sa-iap.iam.gserviceaccount.com"))
			.signWithSignatureRemovedByGoogle();
		run((client) -> client.get()
			.uri("/whoami")
			.header(IapAssertionBuilder.HEADER, assertion(ALICE).sign())
			.header("X-Serverless-Authorization", "Bearer " + serviceAgent)
			.exchange()
			.expectStatus()
			.isOk());
	}

	@Test
	void assertionsThatAreNotIapsForThisAppAreRefusedWith401() {
		GoogleIdentityEmulator emulator = google.emulator();
		run((client) -> {
			refused(client, assertion(ALICE).audience(AUDIENCE).sign(), RejectionReason.AUDIENCE);
			refused(client, assertion(ALICE).signWithAnotherKey(), RejectionReason.SIGNATURE);
			refused(client, assertion(ALICE).signWithGoogleIdTokenKey(), RejectionReason.ALGORITHM);
			refused(client, assertion(ALICE).unsigned(), RejectionReason.UNSIGNED);
			refused(client,
					assertion(ALICE)
						.signWithHmac(emulator.keys().publicKey(emulator.keys().signingKeyId()).getEncoded()),
					RejectionReason.ALGORITHM);
			refused(client, assertion(ALICE).issuer("https://accounts.google.com").sign(), RejectionReason.ISSUER);
			refused(client,
					assertion(ALICE).issuedAt(java.time.Instant.now().minusSeconds(700))
						.expiresAt(java.time.Instant.now().minusSeconds(100))
						.sign(),
					RejectionReason.EXPIRED);
			refused(client, assertion(ALICE).expiresAt(java.time.Instant.now().plusSeconds(3600)).sign(),
					RejectionReason.LIFETIME);
		});
	}

	@Test
	void anInvalidAssertionIsRefusedEvenBesideAValidServiceToken() {
		run((client) -> {
			client.get()
				.uri("/internal/jobs")
				.header(IapAssertionBuilder.HEADER, assertion(ALICE).audience(AUDIENCE).sign())
				.header("Authorization", "Bearer " + serviceToken(CALLER))
				.exchange()
				.expectStatus()
				.isUnauthorized();
			client.get()
				.uri("/internal/jobs")
				.header(IapAssertionBuilder.HEADER, assertion(ALICE).sign(), assertion(ALICE).sign())
				.exchange()
				.expectStatus()
				.isUnauthorized();
		});
	}

	@Test
	void requestsWithoutTheHeaderTakeTheServiceTokenPathAsBefore() {
		run((client) -> {
			service(client, "/internal/jobs", CALLER).expectStatus().isOk();
			service(client, "/internal/jobs", "stranger@evil.iam.gserviceaccount.com").expectStatus().isForbidden();
			client.get().uri("/whoami").exchange().expectStatus().isUnauthorized();
		});
	}

	@Test
	void anIapUserNeverPassesAServiceAccountCallerRuleEvenUnderItsEmail() {
		run((client) -> {
			iap(client, "/internal/jobs", assertion(ALICE).sign()).expectStatus().isForbidden();
			iap(client, "/internal/jobs", assertion(CALLER).sign()).expectStatus().isForbidden();
			iap(client, "/whoami", assertion("bob@example.com").sign()).expectStatus().isForbidden();
			iap(client, "/admin", assertion(ALICE).sign()).expectStatus().isOk();
		});
	}

	@Test
	void aPublicPathIgnoresABrokenAssertion() {
		run((client) -> iap(client, "/public/ping", "garbage").expectStatus().isOk());
	}

	@Test
	void aRotatedKeyIsFoundByARefetch() {
		GoogleIdentityEmulator emulator = google.emulator();
		IapSigningKeys keys = emulator.iap().keys();
		run((client) -> {
			iap(client, "/whoami", assertion(ALICE).sign()).expectStatus().isOk();
			long before = emulator.iap().jwksFetches();
			String previous = keys.signingKeyId();
			keys.rotate();
			try {
				iap(client, "/whoami", assertion(ALICE).sign()).expectStatus().isOk();
				assertThat(emulator.iap().jwksFetches() - before).isEqualTo(1);
			}
			finally {
				keys.useForSigning(previous);
			}
		});
	}

	private static IapAssertionBuilder assertion(String email) {
		return google.emulator().iap().assertion(email, IAP_AUDIENCE);
	}

	private static String serviceToken(String caller) {
		return google.emulator().idToken(AUDIENCE).serviceAccount(ServiceAccount.of(caller)).sign();
	}

	private static WebTestClient.ResponseSpec iap(WebTestClient client, String path, String assertion) {
		return client.get().uri(path).header(IapAssertionBuilder.HEADER, assertion).exchange();
	}

	private static WebTestClient.ResponseSpec service(WebTestClient client, String path, String caller) {
		return client.get().uri(path).header("Authorization", "Bearer " + serviceToken(caller)).exchange();
	}

	private static void refused(WebTestClient client, String assertion, RejectionReason reason) {
		iap(client, "/whoami", assertion).expectStatus()
			.isUnauthorized()
			.expectHeader()
			.value("WWW-Authenticate",
					(challenge) -> assertThat(challenge).contains("invalid_token")
						.contains(reason.description())
						.doesNotContain(assertion));
	}

	private static void run(Consumer<WebTestClient> callback) {
		GoogleIdentityEmulator emulator = google.emulator();
		ReceivingContexts.reactive(emulator, AUDIENCE)
			.withUserConfiguration(UsersController.class, InternalController.class, PublicController.class)
			.withPropertyValues("cloudrun.auth.receiving.allowed-callers=" + CALLER,
					"cloudrun.auth.receiving.public-paths=/public/**", "cloudrun.auth.receiving.iap.enabled=true",
					"cloudrun.auth.receiving.iap.audiences=" + IAP_AUDIENCE,
					"cloudrun.auth.receiving.iap.jwk-set-uri=" + emulator.iap().jwkSetUri(),
					"cloudrun.auth.receiving.iap.allowed-users=" + ALICE + "," + CALLER)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				callback.accept(ReceivingContexts.webTestClient(context));
			});
	}

	@RestController
	static class UsersController {

		@GetMapping("/whoami")
		Mono<String> whoami(Mono<Authentication> authentication) {
			return authentication.map((user) -> user.getName() + " " + ((Jwt) user.getPrincipal()).getSubject());
		}

		@GetMapping("/admin")
		@PreAuthorize("authentication.name == 'alice@example.com'")
		Mono<String> admin() {
			return Mono.just("admin");
		}

	}

	@RestController
	@RequestMapping("/internal")
	@AllowCallers(CALLER)
	static class InternalController {

		@GetMapping("/jobs")
		Mono<String> jobs() {
			return Mono.just("jobs");
		}

	}

	@RestController
	static class PublicController {

		@GetMapping("/public/ping")
		Mono<String> ping() {
			return Mono.just("pong");
		}

	}

}
