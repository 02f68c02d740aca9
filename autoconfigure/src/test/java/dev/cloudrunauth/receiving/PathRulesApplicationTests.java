package dev.cloudrunauth.receiving;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import dev.cloudrunauth.test.emulator.IdTokenBuilder;
import dev.cloudrunauth.test.emulator.ServiceAccount;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.core.Authentication;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Path rules ({@code cloudrun.auth.receiving.paths}) in servlet and WebFlux applications
 * shaped like a service that serves callers and takes Pub/Sub pushes and scheduled jobs:
 * each rule's audiences and callers apply on its paths only, through the real decoder,
 * with tokens from the emulator.
 */
class PathRulesApplicationTests {

	static final String SERVICE = "https://orders-123456789012.us-central1.run.app";

	static final String PUSH_URL = SERVICE + "/events/pubsub";

	static final String FRONTEND = "frontend@proj.iam.gserviceaccount.com";

	static final String PUSH = "push@proj.iam.gserviceaccount.com";

	static final String SCHEDULER = "scheduler@proj.iam.gserviceaccount.com";

	static final String ADMIN = "admin@proj.iam.gserviceaccount.com";

	static final String[] RULES = { "cloudrun.auth.receiving.allowed-callers=" + FRONTEND + "," + SCHEDULER,
			"cloudrun.auth.receiving.paths.pubsub.pattern=/events/pubsub",
			"cloudrun.auth.receiving.paths.pubsub.audiences=/events/pubsub",
			"cloudrun.auth.receiving.paths.pubsub.allowed-callers=" + PUSH,
			"cloudrun.auth.receiving.paths.jobs.pattern=/jobs/{job}",
			"cloudrun.auth.receiving.paths.jobs.audiences=/jobs/nightly",
			"cloudrun.auth.receiving.paths.admin.pattern=/admin/**",
			"cloudrun.auth.receiving.paths.admin.allowed-callers=" + ADMIN };

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();

	@ParameterizedTest
	@EnumSource
	void aPushFromTheRulesCallerWithATokenForThePushUrlIsAccepted(Stack stack) {
		stack.run((client) -> {
			Result result = client.post("/events/pubsub", token(PUSH_URL, PUSH));
			assertThat(result.status()).isEqualTo(200);
			assertThat(result.body()).isEqualTo("pushed by " + PUSH);
		}, RULES);
	}

	@ParameterizedTest
	@EnumSource
	void aTokenForThePushUrlIsRefusedEverywhereElse(Stack stack) {
		stack.run((client) -> {
			String push = token(PUSH_URL, PUSH);
			assertAudienceRefused(client.get("/hello", push));
			assertAudienceRefused(client.get("/admin/report", push));
			assertAudienceRefused(client.post("/jobs/nightly", push));
		}, RULES);
	}

	@ParameterizedTest
	@EnumSource
	void theServiceUrlTokenIsRefusedOnThePushPath(Stack stack) {
		stack.run((client) -> {
			assertAudienceRefused(client.post("/events/pubsub", token(SERVICE, PUSH)));
			assertAudienceRefused(client.post("/events/pubsub", token(SERVICE, FRONTEND)));
		}, RULES);
	}

	@ParameterizedTest
	@EnumSource
	void anotherCallerWithATokenForThePushUrlGets403(Stack stack) {
		stack.run((client) -> assertThat(client.post("/events/pubsub", token(PUSH_URL, FRONTEND)).status())
			.isEqualTo(403), RULES);
	}

	@ParameterizedTest
	@EnumSource
	void theRulesCallerIsNoCallerOfTheRestOfTheService(Stack stack) {
		stack.run((client) -> assertThat(client.get("/hello", token(SERVICE, PUSH)).status()).isEqualTo(403), RULES);
	}

	@ParameterizedTest
	@EnumSource
	void aForgedOrConfusedTokenIsRefusedOnThePushPath(Stack stack) {
		stack.run((client) -> {
			Result forged = client.post("/events/pubsub", impostor(PUSH_URL, PUSH));
			assertThat(forged.status()).isEqualTo(401);
			assertThat(forged.challenge()).contains(RejectionReason.SIGNATURE.description());
			byte[] publicKey = google.emulator().keys().publicKey(google.emulator().keys().signingKeyId()).getEncoded();
			Result confused = client.post("/events/pubsub", idToken(PUSH_URL, PUSH).signWithHmac(publicKey));
			assertThat(confused.status()).isEqualTo(401);
			assertThat(confused.challenge()).contains(RejectionReason.ALGORITHM.description());
		}, RULES);
	}

	@ParameterizedTest
	@EnumSource
	void aRuleWithoutCallersTakesTheServicesCallers(Stack stack) {
		stack.run((client) -> {
			assertThat(client.post("/jobs/nightly", token(SERVICE + "/jobs/nightly", SCHEDULER)).status())
				.isEqualTo(200);
			assertThat(client.post("/jobs/nightly", token(SERVICE + "/jobs/nightly", PUSH)).status()).isEqualTo(403);
			assertAudienceRefused(client.post("/jobs/nightly", token(SERVICE, SCHEDULER)));
		}, RULES);
	}

	@ParameterizedTest
	@EnumSource
	void aRuleWithoutAudiencesTakesTheServicesAudiences(Stack stack) {
		stack.run((client) -> {
			assertThat(client.get("/admin/report", token(SERVICE, ADMIN)).status()).isEqualTo(200);
			assertThat(client.get("/admin/report", token(SERVICE, FRONTEND)).status()).isEqualTo(403);
			assertThat(client.get("/hello", token(SERVICE, ADMIN)).status()).isEqualTo(403);
		}, RULES);
	}

	@ParameterizedTest
	@EnumSource
	void aTokenVerifiedOnThePushPathIsNotTakenAsVerifiedElsewhere(Stack stack) {
		// the push account may call the whole service, so that only the audience tells
		// the paths apart, and the verified-token cache must not blur them
		stack.run((client) -> {
			String push = token(PUSH_URL, PUSH);
			assertThat(client.post("/events/pubsub", push).status()).isEqualTo(200);
			assertAudienceRefused(client.get("/hello", push));
			String service = token(SERVICE, PUSH);
			assertThat(client.get("/hello", service).status()).isEqualTo(200);
			assertAudienceRefused(client.post("/events/pubsub", service));
		}, concat(RULES, "cloudrun.auth.receiving.allowed-callers=" + FRONTEND + "," + PUSH));
	}

	@ParameterizedTest
	@EnumSource
	void aTokenForBothAudiencesIsCheckedAgainstEachPathsCallers(Stack stack) {
		stack.run((client) -> {
			String frontend = idToken(SERVICE, FRONTEND).claim("aud", List.of(SERVICE, PUSH_URL)).sign();
			assertThat(client.get("/hello", frontend).status()).isEqualTo(200);
			assertThat(client.post("/events/pubsub", frontend).status()).isEqualTo(403);
			String push = idToken(SERVICE, PUSH).claim("aud", List.of(SERVICE, PUSH_URL)).sign();
			assertThat(client.post("/events/pubsub", push).status()).isEqualTo(200);
			assertThat(client.get("/hello", push).status()).isEqualTo(403);
		}, RULES);
	}

	@ParameterizedTest
	@EnumSource
	void pathsAreMatchedAsTheApplicationMapsThem(Stack stack) {
		stack.run((client) -> {
			// a trailing slash is another path, for Spring's handler mappings as for the
			// rule: the service's rule applies
			assertAudienceRefused(client.post("/events/pubsub/", token(PUSH_URL, PUSH)));
			// a percent-encoded letter is the same path
			assertThat(client.post("/events/%70ubsub", token(PUSH_URL, PUSH)).status()).isEqualTo(200);
			assertAudienceRefused(client.post("/events/%70ubsub", token(SERVICE, FRONTEND)));
		}, RULES);
	}

	@ParameterizedTest
	@EnumSource
	void theFirstMatchingRuleInDeclarationOrderDecides(Stack stack) {
		stack.run((client) -> {
			assertThat(client.post("/events/pubsub", token(PUSH_URL, ADMIN)).status()).isEqualTo(200);
			assertThat(client.post("/events/pubsub", token(PUSH_URL, PUSH)).status()).isEqualTo(403);
		}, "cloudrun.auth.receiving.allowed-callers=" + FRONTEND,
				"cloudrun.auth.receiving.paths.events.pattern=/events/**",
				"cloudrun.auth.receiving.paths.events.audiences=/events/pubsub",
				"cloudrun.auth.receiving.paths.events.allowed-callers=" + ADMIN,
				"cloudrun.auth.receiving.paths.pubsub.pattern=/events/pubsub",
				"cloudrun.auth.receiving.paths.pubsub.audiences=/events/pubsub",
				"cloudrun.auth.receiving.paths.pubsub.allowed-callers=" + PUSH);
	}

	@ParameterizedTest
	@EnumSource
	void aRuleAppliesInTrustModeToTokensWhoseSignatureCloudRunRemoved(Stack stack) {
		stack.run((client) -> {
			assertThat(
					client.post("/events/pubsub", idToken(PUSH_URL, PUSH).signWithSignatureRemovedByGoogle()).status())
				.isEqualTo(200);
			assertAudienceRefused(
					client.post("/events/pubsub", idToken(SERVICE, PUSH).signWithSignatureRemovedByGoogle()));
			assertThat(client.post("/events/pubsub", idToken(PUSH_URL, FRONTEND).signWithSignatureRemovedByGoogle())
				.status()).isEqualTo(403);
			assertAudienceRefused(client.get("/hello", idToken(PUSH_URL, PUSH).signWithSignatureRemovedByGoogle()));
			// without a list, the service admits whoever Cloud Run's invoker check let in
			assertThat(client.get("/hello", idToken(SERVICE, FRONTEND).signWithSignatureRemovedByGoogle()).status())
				.isEqualTo(200);
			assertThat(client.post("/events/pubsub", impostor(PUSH_URL, PUSH)).status()).isEqualTo(401);
		}, "cloudrun.auth.receiving.trust-cloud-run-iam=true",
				"cloudrun.auth.receiving.trust-cloud-run-iam-outside-cloud-run=true",
				"cloudrun.auth.receiving.paths.pubsub.pattern=/events/pubsub",
				"cloudrun.auth.receiving.paths.pubsub.audiences=/events/pubsub",
				"cloudrun.auth.receiving.paths.pubsub.allowed-callers=" + PUSH);
	}

	@ParameterizedTest
	@EnumSource
	void aMethodAnnotationStillAppliesOnARulesPath(Stack stack) {
		stack.run((client) -> {
			assertThat(client.post("/events/audit", token(SERVICE + "/events/audit", PUSH)).status()).isEqualTo(403);
			assertThat(client.post("/events/audit", token(SERVICE + "/events/audit", ADMIN)).status()).isEqualTo(200);
		}, "cloudrun.auth.receiving.allowed-callers=" + FRONTEND,
				"cloudrun.auth.receiving.paths.audit.pattern=/events/audit",
				"cloudrun.auth.receiving.paths.audit.audiences=/events/audit",
				"cloudrun.auth.receiving.paths.audit.allowed-callers=" + PUSH + "," + ADMIN);
	}

	private static void assertAudienceRefused(Result result) {
		assertThat(result.status()).isEqualTo(401);
		assertThat(result.challenge()).contains("error=\"invalid_token\"")
			.contains(RejectionReason.AUDIENCE.description());
	}

	private static IdTokenBuilder idToken(String audience, String caller) {
		return google.emulator().idToken(audience).serviceAccount(ServiceAccount.of(caller));
	}

	private static String token(String audience, String caller) {
		return idToken(audience, caller).sign();
	}

	private static String impostor(String audience, String caller) {
		try (GoogleIdentityEmulator impostor = GoogleIdentityEmulator.start()) {
			return impostor.idToken(audience)
				.header("kid", google.emulator().keys().signingKeyId())
				.serviceAccount(ServiceAccount.of(caller))
				.sign();
		}
	}

	private static String[] concat(String[] first, String... more) {
		List<String> all = new ArrayList<>(List.of(first));
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

	record Result(int status, @Nullable String challenge, String body) {
	}

	interface Client {

		Result get(String path, String token);

		Result post(String path, String token);

	}

	enum Stack {

		SERVLET {

			@Override
			void run(Consumer<Client> test, String... properties) {
				ReceivingContexts.servlet(google.emulator(), SERVICE)
					.withUserConfiguration(ServletControllers.class)
					.withPropertyValues(properties)
					.run((context) -> {
						assertThat(context).hasNotFailed();
						MockMvc mvc = ReceivingContexts.mockMvc(context);
						test.accept(new Client() {

							@Override
							public Result get(String path, String token) {
								return send(mvc, MockMvcRequestBuilders.get(URI.create(path)), token);
							}

							@Override
							public Result post(String path, String token) {
								return send(mvc, MockMvcRequestBuilders.post(URI.create(path)), token);
							}

						});
					});
			}

			private Result send(MockMvc mvc,
					org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder request, String token) {
				try {
					MockHttpServletResponse response = mvc
						.perform(request.header(HttpHeaders.AUTHORIZATION, "Bearer " + token))
						.andReturn()
						.getResponse();
					return new Result(response.getStatus(), response.getHeader(HttpHeaders.WWW_AUTHENTICATE),
							response.getContentAsString());
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			}

		},

		REACTIVE {

			@Override
			void run(Consumer<Client> test, String... properties) {
				ReceivingContexts.reactive(google.emulator(), SERVICE)
					.withUserConfiguration(ReactiveControllers.class)
					.withPropertyValues(properties)
					.run((context) -> {
						assertThat(context).hasNotFailed();
						var client = ReceivingContexts.webTestClient(context);
						test.accept(new Client() {

							@Override
							public Result get(String path, String token) {
								return result(client.get()
									.uri(URI.create(path))
									.header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
									.exchange()
									.expectBody()
									.returnResult());
							}

							@Override
							public Result post(String path, String token) {
								return result(client.post()
									.uri(URI.create(path))
									.header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
									.exchange()
									.expectBody()
									.returnResult());
							}

						});
					});
			}

			private Result result(EntityExchangeResult<byte[]> result) {
				byte[] body = result.getResponseBody();
				return new Result(result.getStatus().value(),
						result.getResponseHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE),
						(body != null) ? new String(body, StandardCharsets.UTF_8) : "");
			}

		};

		abstract void run(Consumer<Client> test, String... properties);

		@Override
		public String toString() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	@RestController
	static class ServletHello {

		@GetMapping("/hello")
		String hello(Authentication caller) {
			return "Hello, " + caller.getName();
		}

	}

	@RestController
	@RequestMapping("/events")
	static class ServletEvents {

		@PostMapping("/pubsub")
		String push(Authentication caller) {
			return "pushed by " + caller.getName();
		}

		@PostMapping("/audit")
		@AllowCallers(ADMIN)
		String audit() {
			return "audited";
		}

	}

	@RestController
	static class ServletJobsAndAdmin {

		@PostMapping("/jobs/{job}")
		String job(@PathVariable String job) {
			return "ran " + job;
		}

		@GetMapping("/admin/report")
		String report() {
			return "report";
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import({ ServletHello.class, ServletEvents.class, ServletJobsAndAdmin.class })
	static class ServletControllers {

	}

	@RestController
	static class ReactiveHello {

		@GetMapping("/hello")
		Mono<String> hello(Mono<Authentication> caller) {
			return caller.map((authentication) -> "Hello, " + authentication.getName());
		}

	}

	@RestController
	@RequestMapping("/events")
	static class ReactiveEvents {

		@PostMapping("/pubsub")
		Mono<String> push(Mono<Authentication> caller) {
			return caller.map((authentication) -> "pushed by " + authentication.getName());
		}

		@PostMapping("/audit")
		@AllowCallers(ADMIN)
		Mono<String> audit() {
			return Mono.just("audited");
		}

	}

	@RestController
	static class ReactiveJobsAndAdmin {

		@PostMapping("/jobs/{job}")
		Mono<String> job(@PathVariable String job) {
			return Mono.just("ran " + job);
		}

		@GetMapping("/admin/report")
		Mono<String> report() {
			return Mono.just("report");
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import({ ReactiveHello.class, ReactiveEvents.class, ReactiveJobsAndAdmin.class })
	static class ReactiveControllers {

	}

}
