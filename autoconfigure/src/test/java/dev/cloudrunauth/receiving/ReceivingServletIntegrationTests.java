package dev.cloudrunauth.receiving;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.cloudrunauth.test.emulator.EmulatorEndpoint;
import dev.cloudrunauth.test.emulator.Fault;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import dev.cloudrunauth.test.emulator.IdTokenBuilder;
import dev.cloudrunauth.test.emulator.ServiceAccount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static dev.cloudrunauth.StartupFailures.assertInvalidProperty;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The receiving side of a servlet application end to end: Spring Security's resource
 * server with the auto-configured decoder, resolver and filter chain, tokens from the
 * emulator, keys from its JWKS. The requests refused for what they carry are in
 * {@link ReceivingRejectionTests}, one table for servlet and WebFlux.
 */
class ReceivingServletIntegrationTests {

	static final String AUDIENCE = "https://receiving-123456789012.us-central1.run.app";

	static final String CALLER = "calling@emulator-project.iam.gserviceaccount.com";

	static final String READER = "reader@emulator-project.iam.gserviceaccount.com";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension(
			(builder) -> builder.serviceAccount(CALLER));

	@Test
	void validTokenIsAcceptedWithTheCallersEmailAsPrincipal() {
		run((mvc) -> perform(mvc, get("/hello"), token()).andExpect(status().isOk())
			.andExpect(content().string("Hello, " + CALLER + "!")));
	}

	@Test
	void verifiedJwtStaysAvailableAsAuthenticationPrincipal() {
		run((mvc) -> perform(mvc, get("/subject"), token()).andExpect(status().isOk())
			.andExpect(content().string(google.emulator().metadataServiceAccount().uniqueId())));
	}

	@Test
	void bothIssuerFormsAreAccepted() {
		run((mvc) -> {
			perform(mvc, get("/hello"), idToken().issuer("https://accounts.google.com").sign())
				.andExpect(status().isOk());
			perform(mvc, get("/hello"), idToken().issuer("accounts.google.com").sign()).andExpect(status().isOk());
		});
	}

	@Test
	void anyOfSeveralAudiencesIsAccepted() {
		run((mvc) -> {
			perform(mvc, get("/hello"), idToken().audience("https://push.example/endpoint").sign())
				.andExpect(status().isOk());
			perform(mvc, get("/hello"), idToken().claim("aud", List.of("https://other.example", AUDIENCE)).sign())
				.andExpect(status().isOk());
		});
	}

	@Test
	void tokenExpiredWithinTheClockSkewIsAccepted() {
		Instant now = Instant.now();
		run((mvc) -> perform(mvc, get("/hello"),
				idToken().issuedAt(now.minusSeconds(3600)).expiresAt(now.minusSeconds(10)).sign())
			.andExpect(status().isOk()));
	}

	@Test
	void allowedCallerIsAcceptedIgnoringCase() {
		run((mvc) -> perform(mvc, get("/hello"), token()).andExpect(status().isOk()),
				"cloudrun.auth.receiving.allowed-callers=" + READER + "," + CALLER.toUpperCase());
	}

	@Test
	void preAuthorizeWithTheCallerBeanAllowsAndDenies() {
		run((mvc) -> {
			perform(mvc, get("/reports"), tokenFor(READER)).andExpect(status().isOk());
			perform(mvc, get("/reports"), token()).andExpect(status().isForbidden());
		});
	}

	@Test
	void preAuthorizeOnAuthenticationNameAllowsAndDenies() {
		run((mvc) -> {
			perform(mvc, get("/named"), token()).andExpect(status().isOk());
			perform(mvc, get("/named"), tokenFor(READER)).andExpect(status().isForbidden());
		});
	}

	@Test
	void allowCallersWithAPlaceholderAllowsAndDenies() {
		run((mvc) -> {
			perform(mvc, get("/audit"), tokenFor(READER)).andExpect(status().isOk());
			perform(mvc, get("/audit"), token()).andExpect(status().isForbidden());
		}, "test.auditors=someone@p.iam.gserviceaccount.com, " + READER);
	}

	@Test
	void methodSecurityTurnedOffWhileAllowCallersIsInUseRefusesToStart() {
		runner().withPropertyValues("cloudrun.auth.receiving.method-security=false")
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.receiving.method-security")
				.hasMessageContaining("'receivingServletIntegrationTests.TestController'")
				.hasMessageContaining("AllowCallersMethodAuthorization.advisor"));
	}

	@Test
	void xServerlessAuthorizationTakesPrecedenceOverAuthorization() {
		run((mvc) -> {
			mvc.perform(get("/hello").header("X-Serverless-Authorization", "Bearer " + token())
				.header("Authorization", "Basic YXBwOm93bg==")).andExpect(status().isOk());
			mvc.perform(get("/hello").header("X-Serverless-Authorization", "Bearer " + token())
				.header("Authorization", "Bearer not-a-valid-token")).andExpect(status().isOk());
		});
	}

	@Test
	void publicPathsNeedNoTokenAndIgnoreABadOne() {
		run((mvc) -> {
			mvc.perform(get("/actuator/health")).andExpect(status().isOk());
			mvc.perform(get("/actuator/health/liveness")).andExpect(status().isOk());
			mvc.perform(get("/actuator/health").header("Authorization", "Bearer expired.or.garbage"))
				.andExpect(status().isOk());
		});
	}

	@Test
	void rotatedKeyIsAcceptedAfterOneRefetchAndRetiredKeyIsRejectedOnceGone() {
		GoogleIdentityEmulator emulator = google.emulator();
		String oldKey = emulator.keys().signingKeyId();
		String newKey = emulator.keys().add();
		runner().withPropertyValues("cloudrun.auth.receiving.jwk-set-refetch-interval=1s").run((context) -> {
			assertThat(context).hasNotFailed();
			// the fetch startup begins is done, so that it is not counted below
			await().until(context.getBean(SigningKeyCache.class)::keysLoaded);
			MockMvc mvc = mockMvc(context);
			perform(mvc, get("/hello"), token()).andExpect(status().isOk());
			long fetches = emulator.jwksFetches();
			emulator.keys().useForSigning(newKey);
			perform(mvc, get("/hello"), token()).andExpect(status().isOk());
			assertThat(emulator.jwksFetches()).as("a key published ahead is already known").isEqualTo(fetches);
			String third = emulator.keys().add();
			emulator.keys().useForSigning(third);
			perform(mvc, get("/hello"), token()).andExpect(status().isOk());
			assertThat(emulator.jwksFetches()).as("an unknown kid causes one refetch").isEqualTo(fetches + 1);
			emulator.keys().retire(oldKey);
			String fromRetired = idToken().signingKey(oldKey).sign();
			perform(mvc, get("/hello"), fromRetired).andExpect(status().isOk());
			Thread.sleep(1100);
			perform(mvc, get("/hello"), idToken().header("kid", "forces-a-refetch").sign())
				.andExpect(status().isUnauthorized());
			perform(mvc, get("/hello"), fromRetired).andExpect(status().isUnauthorized());
		});
	}

	@Test
	void aKeyPublishedRightAfterStartupVerifiesTheFirstTokenSignedWithIt() {
		GoogleIdentityEmulator emulator = google.emulator();
		runner().run((context) -> {
			SigningKeyCache keys = context.getBean(SigningKeyCache.class);
			await().until(keys::keysLoaded);
			emulator.keys().rotate();
			perform(mockMvc(context), get("/hello"), token()).andExpect(status().isOk());
		});
	}

	@Test
	void aKeyPublishedRightAfterAJwksOutageEndsVerifiesTheFirstTokenSignedWithIt() {
		GoogleIdentityEmulator emulator = google.emulator();
		emulator.inject(EmulatorEndpoint.JWKS, Fault.httpStatus(503));
		runner().run((context) -> {
			SigningKeyCache keys = context.getBean(SigningKeyCache.class);
			await().until(() -> keys.failedFetches() >= 2);
			emulator.clearFault(EmulatorEndpoint.JWKS);
			await().atMost(Duration.ofSeconds(10)).until(keys::keysLoaded);
			emulator.keys().rotate();
			perform(mockMvc(context), get("/hello"), token()).andExpect(status().isOk());
		});
	}

	@Test
	void unknownKeyIdsTriggerAtMostOneRefetchPerInterval() {
		GoogleIdentityEmulator emulator = google.emulator();
		runner().withPropertyValues("cloudrun.auth.receiving.jwk-set-refetch-interval=2s").run((context) -> {
			assertThat(context).hasNotFailed();
			// the fetch startup begins is done, so that it is not counted below
			await().until(context.getBean(SigningKeyCache.class)::keysLoaded);
			MockMvc mvc = mockMvc(context);
			perform(mvc, get("/hello"), token()).andExpect(status().isOk());
			long fetches = emulator.jwksFetches();
			for (int i = 0; i < 20; i++) {
				perform(mvc, get("/hello"), idToken().header("kid", "unknown-" + i).sign())
					.andExpect(status().isUnauthorized());
			}
			assertThat(emulator.jwksFetches()).as("one refetch for the first unknown kid").isEqualTo(fetches + 1);
			Thread.sleep(2100);
			for (int i = 0; i < 20; i++) {
				perform(mvc, get("/hello"), idToken().header("kid", "unknown-again-" + i).sign())
					.andExpect(status().isUnauthorized());
			}
			assertThat(emulator.jwksFetches()).as("one more once the interval passed").isEqualTo(fetches + 2);
		});
	}

	@Test
	void knownKeysKeepVerifyingWhileTheJwksEndpointIsDown() {
		GoogleIdentityEmulator emulator = google.emulator();
		run((mvc) -> {
			perform(mvc, get("/hello"), token()).andExpect(status().isOk());
			emulator.inject(EmulatorEndpoint.JWKS, Fault.refuseConnections());
			perform(mvc, get("/hello"), token()).andExpect(status().isOk());
			perform(mvc, get("/hello"), idToken().header("kid", "unknown").sign()).andExpect(status().isUnauthorized());
			perform(mvc, get("/hello"), token()).andExpect(status().isOk());
		}, "cloudrun.auth.receiving.jwk-set-refetch-interval=1s");
	}

	@Test
	void keyRotationDuringAJwksOutageWorksOnceTheEndpointIsBack() {
		GoogleIdentityEmulator emulator = google.emulator();
		run((mvc) -> {
			perform(mvc, get("/hello"), token()).andExpect(status().isOk());
			String known = token();
			emulator.inject(EmulatorEndpoint.JWKS, Fault.httpStatus(503));
			emulator.keys().rotate();
			String rotated = token();
			perform(mvc, get("/hello"), known).andExpect(status().isOk());
			perform(mvc, get("/hello"), rotated).andExpect(status().isUnauthorized());
			emulator.clearFault(EmulatorEndpoint.JWKS);
			// the next unknown kid may refetch once the interval since the failed refetch
			// has passed
			Thread.sleep(1100);
			perform(mvc, get("/hello"), rotated).andExpect(status().isOk());
			perform(mvc, get("/hello"), known).andExpect(status().isOk());
		}, "cloudrun.auth.receiving.jwk-set-refetch-interval=1s");
	}

	@Test
	void startupNeitherBlocksNorFailsWhenTheJwksIsDownAndVerificationStartsOnceItIsBack() {
		GoogleIdentityEmulator emulator = google.emulator();
		emulator.inject(EmulatorEndpoint.JWKS, Fault.refuseConnections());
		run((mvc) -> {
			perform(mvc, get("/hello"), token()).andExpect(status().isUnauthorized())
				.andExpect(header().string("WWW-Authenticate",
						org.hamcrest.Matchers.containsString(RejectionReason.KEYS_UNAVAILABLE.description())));
			emulator.clearFault(EmulatorEndpoint.JWKS);
			long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
			int status;
			do {
				Thread.sleep(200);
				status = perform(mvc, get("/hello"), token()).andReturn().getResponse().getStatus();
			}
			while (status != 200 && System.nanoTime() < deadline);
			assertThat(status).isEqualTo(200);
		}, "cloudrun.auth.receiving.jwk-set-refetch-interval=1s");
	}

	@Test
	void aHundredConcurrentRequestsCauseOneJwksFetch() {
		GoogleIdentityEmulator emulator = google.emulator();
		emulator.inject(EmulatorEndpoint.JWKS, Fault.delay(Duration.ofMillis(500)));
		List<String> tokens = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			tokens.add(token());
		}
		run((mvc) -> {
			ExecutorService threads = Executors.newFixedThreadPool(100);
			try {
				CountDownLatch start = new CountDownLatch(1);
				List<Future<Integer>> statuses = new ArrayList<>();
				for (String token : tokens) {
					statuses.add(threads.submit(() -> {
						start.await();
						return perform(mvc, get("/hello"), token).andReturn().getResponse().getStatus();
					}));
				}
				start.countDown();
				for (Future<Integer> result : statuses) {
					assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(200);
				}
			}
			finally {
				threads.shutdownNow();
			}
			assertThat(emulator.jwksFetches()).isEqualTo(1);
		});
	}

	@Test
	void trustModeAcceptsATokenWhoseSignatureCloudRunRemoved() {
		runTrusting((mvc) -> perform(mvc, get("/hello"), idToken().signWithSignatureRemovedByGoogle())
			.andExpect(status().isOk())
			.andExpect(content().string("Hello, " + CALLER + "!")));
	}

	@Test
	void trustModeStillAcceptsASignedToken() {
		runTrusting((mvc) -> perform(mvc, get("/hello"), token()).andExpect(status().isOk()));
	}

	private void runTrusting(MvcCallback callback, String... properties) {
		List<String> all = new ArrayList<>(List.of("cloudrun.auth.receiving.trust-cloud-run-iam=true",
				"cloudrun.auth.receiving.trust-cloud-run-iam-outside-cloud-run=true"));
		all.addAll(List.of(properties));
		run(callback, all.toArray(String[]::new));
	}

	static ResultActions perform(MockMvc mvc, MockHttpServletRequestBuilder request, String token) throws Exception {
		return mvc.perform(request.header("Authorization", "Bearer " + token));
	}

	static IdTokenBuilder idToken() {
		return google.emulator().idToken(AUDIENCE);
	}

	static String token() {
		return idToken().sign();
	}

	static String tokenFor(String email) {
		return idToken().serviceAccount(ServiceAccount.of(email)).sign();
	}

	void run(MvcCallback callback, String... properties) {
		runner().withPropertyValues(properties).run((context) -> {
			assertThat(context).hasNotFailed();
			callback.run(mockMvc(context));
		});
	}

	static WebApplicationContextRunner runner() {
		return ReceivingContexts.servlet(google.emulator(), AUDIENCE + ",https://push.example/endpoint")
			.withUserConfiguration(TestController.class)
			.withPropertyValues("cloudrun.auth.receiving.allowed-callers=" + CALLER + "," + READER,
					"test.auditors=nobody@p.iam.gserviceaccount.com");
	}

	static MockMvc mockMvc(AssertableWebApplicationContext context) {
		return ReceivingContexts.mockMvc(context);
	}

	@FunctionalInterface
	interface MvcCallback {

		void run(MockMvc mvc) throws Exception;

	}

	@RestController
	static class TestController {

		@GetMapping("/hello")
		String hello(Authentication authentication) {
			return "Hello, " + authentication.getName() + "!";
		}

		@GetMapping("/subject")
		String subject(@AuthenticationPrincipal Jwt jwt) {
			return jwt.getSubject();
		}

		@GetMapping("/reports")
		@PreAuthorize("@caller.in('" + READER + "')")
		String reports() {
			return "reports";
		}

		@GetMapping("/named")
		@PreAuthorize("authentication.name == '" + CALLER + "'")
		String named() {
			return "named";
		}

		@GetMapping("/audit")
		@AllowCallers("${test.auditors}")
		String audit() {
			return "audit";
		}

		@GetMapping({ "/actuator/health", "/actuator/health/liveness", "/actuator/info" })
		String health() {
			return "UP";
		}

		@org.springframework.web.bind.annotation.PostMapping("/hello")
		String post(Authentication authentication) {
			return "posted";
		}

	}

}
