package dev.cloudrunauth.receiving;

import java.util.function.Consumer;

import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import dev.cloudrunauth.test.emulator.ServiceAccount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.core.Authentication;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Caller rules in a WebFlux application whose controllers share handlers through an
 * abstract base class and name their callers on the class.
 */
class CallerRulesReactiveApplicationTests {

	static final String AUDIENCE = "https://receiving-123456789012.us-central1.run.app";

	static final String A = "a-caller@p.iam.gserviceaccount.com";

	static final String B = "b-caller@p.iam.gserviceaccount.com";

	static final String ADMIN = "admin@p.iam.gserviceaccount.com";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();

	@Test
	void anInheritedHandlerTakesTheCallersOfTheClassCalledFirstAToB() {
		run((client) -> {
			call(client, "/a/ping", A).expectStatus().isOk();
			call(client, "/b/ping", A).expectStatus().isForbidden();
			call(client, "/b/ping", B).expectStatus().isOk();
			call(client, "/a/ping", B).expectStatus().isForbidden();
		});
	}

	@Test
	void anInheritedHandlerTakesTheCallersOfTheClassCalledFirstBToA() {
		run((client) -> {
			call(client, "/b/ping", B).expectStatus().isOk();
			call(client, "/a/ping", B).expectStatus().isForbidden();
			call(client, "/a/ping", A).expectStatus().isOk();
			call(client, "/b/ping", A).expectStatus().isForbidden();
		});
	}

	@Test
	void aMethodAnnotationWinsOverItsClasssAnnotation() {
		run((client) -> {
			call(client, "/b/admin", ADMIN).expectStatus().isOk();
			call(client, "/b/admin", B).expectStatus().isForbidden();
		});
	}

	@Test
	void aCallerOutsideTheAllowedCallersGets403WithAFixedChallenge() {
		run((client) -> call(client, "/a/ping", "stranger@evil-project.iam.gserviceaccount.com").expectStatus()
			.isForbidden()
			.expectHeader()
			.valueEquals("WWW-Authenticate", "Bearer error=\"insufficient_scope\", error_description=\"The caller is "
					+ "not allowed to call this service\", error_uri=\"https://tools.ietf.org/html/rfc6750#section-3.1\""));
	}

	private static void run(Consumer<WebTestClient> callback) {
		ReceivingContexts.reactive(google.emulator(), AUDIENCE)
			.withUserConfiguration(Controllers.class)
			.withPropertyValues("cloudrun.auth.receiving.allowed-callers=" + A + "," + B + "," + ADMIN)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				callback.accept(ReceivingContexts.webTestClient(context));
			});
	}

	private static WebTestClient.ResponseSpec call(WebTestClient client, String path, String caller) {
		String token = google.emulator().idToken(AUDIENCE).serviceAccount(ServiceAccount.of(caller)).sign();
		return client.get().uri(path).header("Authorization", "Bearer " + token).exchange();
	}

	/**
	 * What several controllers of an application share.
	 */
	abstract static class PingController {

		@GetMapping("/ping")
		Mono<String> ping(Mono<Authentication> caller) {
			return caller.map((authentication) -> "pong " + authentication.getName());
		}

	}

	@RestController
	@RequestMapping("/a")
	@AllowCallers(A)
	static class AController extends PingController {

	}

	@RestController
	@RequestMapping("/b")
	@AllowCallers(B)
	static class BController extends PingController {

		@GetMapping("/admin")
		@AllowCallers(ADMIN)
		Mono<String> admin() {
			return Mono.just("admin");
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import({ AController.class, BController.class })
	static class Controllers {

	}

}
