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
 * The receiving side of a servlet application end to end: Spring Security's resource server with the auto-configured
 * decoder, resolver and filter chain, tokens from the emulator, keys from its JWKS.
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
			perform(mvc, get("/hello"), idToken().issuer("https://accounts.google.com").sign()).andExpect(status().isOk());
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
	void requestWithoutTokenIsRejectedWith401() {
		run((mvc) -> mvc.perform(get("/hello"))
			.andExpect(status().isUnauthorized())
			.andExpect(header().string("WWW-Authenticate", org.hamcrest.Matchers.startsWith("Bearer")))
			.andExpect(header().string("WWW-Authenticate",
					org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("error=")))));
	}

	@Test
	void garbageIsRejectedAsMalformed() {
		assertRejected("not-a-token", RejectionReason.MALFORMED);
		assertRejected("a.b.c", RejectionReason.MALFORMED);
	}

	@Test
	void expiredTokenIsRejectedWith401() {
		Instant now = Instant.now();
		assertRejected(idToken().issuedAt(now.minusSeconds(3700)).expiresAt(now.minusSeconds(100)).sign(),
				RejectionReason.EXPIRED);
	}

	@Test
	void tokenExpiredWithinTheClockSkewIsAccepted() {
		Instant now = Instant.now();
		run((mvc) -> perform(mvc, get("/hello"),
				idToken().issuedAt(now.minusSeconds(3600)).expiresAt(now.minusSeconds(10)).sign())
			.andExpect(status().isOk()));
	}

	@Test
	void notYetValidTokenIsRejectedWith401() {
		assertRejected(idToken().notBefore(Instant.now().plusSeconds(600)).sign(), RejectionReason.NOT_YET_VALID);
	}

	@Test
	void tokenIssuedInTheFutureIsRejectedWith401() {
		Instant future = Instant.now().plusSeconds(600);
		assertRejected(idToken().issuedAt(future).expiresAt(future.plusSeconds(3600)).sign(),
				RejectionReason.ISSUED_AT);
	}

	@Test
	void tokenWithoutIssueTimeIsRejectedWith401() {
		assertRejected(idToken().withoutClaim("iat").sign(), RejectionReason.ISSUED_AT);
	}

	@Test
	void tokenWithoutExpiryIsRejectedWith401() {
		assertRejected(idToken().withoutClaim("exp").sign(), RejectionReason.EXPIRED);
	}

	@Test
	void tokenForAnotherAudienceIsRejectedWith401() {
		assertRejected(idToken().audience("https://other-123456789012.us-central1.run.app").sign(),
				RejectionReason.AUDIENCE);
	}

	@Test
	void tokenFromAnotherIssuerIsRejectedWith401() {
		assertRejected(idToken().issuer("https://evil.example").sign(), RejectionReason.ISSUER);
	}

	@Test
	void tokenWithATamperedPayloadIsRejectedForItsSignature() {
		String token = idToken().sign();
		String forged = idToken().serviceAccount(ServiceAccount.of("admin@emulator-project.iam.gserviceaccount.com"))
			.sign();
		String tampered = forged.substring(0, forged.lastIndexOf('.')) + token.substring(token.lastIndexOf('.'));
		assertRejected(tampered, RejectionReason.SIGNATURE);
	}

	@Test
	void tokenSignedByAnotherKeyWithAKnownKeyIdIsRejectedForItsSignature() {
		try (GoogleIdentityEmulator impostor = GoogleIdentityEmulator.start()) {
			String forged = impostor.idToken(AUDIENCE)
				.header("kid", google.emulator().keys().signingKeyId())
				.serviceAccount(ServiceAccount.of(CALLER))
				.sign();
			assertRejected(forged, RejectionReason.SIGNATURE);
		}
	}

	@Test
	void unsignedTokenIsRejectedWith401() {
		assertRejected(idToken().unsigned(), RejectionReason.UNSIGNED);
	}

	@Test
	void hs256TokenKeyedWithThePublicKeyIsRejectedWith401() {
		byte[] publicKey = google.emulator().keys().publicKey(google.emulator().keys().signingKeyId()).getEncoded();
		assertRejected(idToken().signWithHmac(publicKey), RejectionReason.ALGORITHM);
	}

	@Test
	void tokenSignedWithAnUnknownKeyIsRejectedWith401() {
		String retired = google.emulator().keys().signingKeyId();
		String token = idToken().header("kid", "no-such-key").sign();
		assertRejected(token, RejectionReason.UNKNOWN_KEY);
		assertThat(google.emulator().keys().signingKeyId()).isEqualTo(retired);
	}

	@Test
	void unverifiedEmailIsRejectedWith401() {
		assertRejected(idToken().claim("email_verified", false).sign(), RejectionReason.EMAIL_NOT_VERIFIED);
	}

	@Test
	void tokenWithoutEmailIsRejectedWith401() {
		assertRejected(idToken().withoutClaim("email").withoutClaim("email_verified").sign(), RejectionReason.EMAIL);
	}

	@Test
	void tokenWhoseSignatureCloudRunRemovedIsRejectedWhenVerifyingSignatures() {
		assertRejected(idToken().signWithSignatureRemovedByGoogle(), RejectionReason.SIGNATURE_REMOVED);
	}

	@Test
	void callerNotAllowedIsRejectedWith403() {
		run((mvc) -> perform(mvc, get("/hello"), token()).andExpect(status().isForbidden()),
				"cloudrun.auth.receiving.allowed-callers=" + READER);
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
			mvc.perform(get("/hello").header("X-Serverless-Authorization", "Bearer garbage")
				.header("Authorization", "Bearer " + token())).andExpect(status().isUnauthorized());
		});
	}

	@Test
	void twoAuthorizationHeadersAreRejectedWith401() {
		run((mvc) -> mvc.perform(get("/hello").header("Authorization", "Bearer " + token(), "Bearer " + token()))
			.andExpect(status().isUnauthorized())
			.andExpect(header().string("WWW-Authenticate", org.hamcrest.Matchers.containsString("invalid_token"))));
	}

	@Test
	void malformedAuthorizationHeaderIsRejectedWith401() {
		run((mvc) -> {
			mvc.perform(get("/hello").header("Authorization", "Bearer two tokens"))
				.andExpect(status().isUnauthorized());
			mvc.perform(get("/hello").header("X-Serverless-Authorization", "Basic YXBwOm93bg=="))
				.andExpect(status().isUnauthorized());
		});
	}

	@Test
	void tokensInQueryStringsAndFormBodiesAreIgnored() {
		run((mvc) -> {
			mvc.perform(get("/hello").param("access_token", token())).andExpect(status().isUnauthorized());
			mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post("/hello")
				.contentType("application/x-www-form-urlencoded")
				.content("access_token=" + token())).andExpect(status().isUnauthorized());
		});
	}

	@Test
	void publicPathsNeedNoTokenAndIgnoreABadOne() {
		run((mvc) -> {
			mvc.perform(get("/actuator/health")).andExpect(status().isOk());
			mvc.perform(get("/actuator/health/liveness")).andExpect(status().isOk());
			mvc.perform(get("/actuator/health").header("Authorization", "Bearer expired.or.garbage"))
				.andExpect(status().isOk());
			mvc.perform(get("/actuator/info")).andExpect(status().isUnauthorized());
		});
	}

	@Test
	void rotatedKeyIsAcceptedAfterOneRefetchAndRetiredKeyIsRejectedOnceGone() {
		GoogleIdentityEmulator emulator = google.emulator();
		String oldKey = emulator.keys().signingKeyId();
		String newKey = emulator.keys().add();
		run((mvc) -> {
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
		}, "cloudrun.auth.receiving.jwk-set-refetch-interval=1s");
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
		run((mvc) -> {
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
		}, "cloudrun.auth.receiving.jwk-set-refetch-interval=2s");
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
			// the next unknown kid may refetch once the interval since the failed refetch has passed
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
	void trustModeAcceptsATokenWhoseSignatureCloudRunRemovedButStillChecksItsClaims() {
		runTrusting((mvc) -> {
			perform(mvc, get("/hello"), idToken().signWithSignatureRemovedByGoogle())
				.andExpect(status().isOk())
				.andExpect(content().string("Hello, " + CALLER + "!"));
			assertRejected(mvc, idToken().audience("https://other.example").signWithSignatureRemovedByGoogle(),
					RejectionReason.AUDIENCE);
			assertRejected(mvc, idToken().issuer("https://evil.example").signWithSignatureRemovedByGoogle(),
					RejectionReason.ISSUER);
			Instant past = Instant.now().minusSeconds(4000);
			assertRejected(mvc, idToken().issuedAt(past).expiresAt(past.plusSeconds(3600))
				.signWithSignatureRemovedByGoogle(), RejectionReason.EXPIRED);
		});
	}

	@Test
	void trustModeStillVerifiesAnyOtherSignature() {
		runTrusting((mvc) -> {
			perform(mvc, get("/hello"), token()).andExpect(status().isOk());
			String token = token();
			assertRejected(mvc, token.substring(0, token.lastIndexOf('.') + 1) + "c2lnbmF0dXJl",
					RejectionReason.SIGNATURE);
		});
	}

	@Test
	void trustModeStillChecksAllowedCallers() {
		runTrusting((mvc) -> perform(mvc, get("/hello"), idToken().signWithSignatureRemovedByGoogle())
			.andExpect(status().isForbidden()), "cloudrun.auth.receiving.allowed-callers=" + READER);
	}

	@Test
	void rejectionsNeverEchoTheToken() {
		String token = idToken().audience("https://other.example").sign();
		run((mvc) -> {
			var response = perform(mvc, get("/hello"), token).andReturn().getResponse();
			assertThat(response.getHeader("WWW-Authenticate")).doesNotContain(token.substring(0, 20));
			assertThat(response.getContentAsString()).doesNotContain(token.substring(0, 20));
		});
	}

	private void runTrusting(MvcCallback callback, String... properties) {
		List<String> all = new ArrayList<>(List.of("cloudrun.auth.receiving.trust-cloud-run-iam=true",
				"cloudrun.auth.receiving.trust-cloud-run-iam-outside-cloud-run=true"));
		all.addAll(List.of(properties));
		run(callback, all.toArray(String[]::new));
	}

	private void assertRejected(String token, RejectionReason reason) {
		run((mvc) -> assertRejected(mvc, token, reason));
	}

	private static void assertRejected(MockMvc mvc, String token, RejectionReason reason) throws Exception {
		perform(mvc, get("/hello"), token).andExpect(status().isUnauthorized())
			.andExpect(header().string("WWW-Authenticate", org.hamcrest.Matchers.allOf(
					org.hamcrest.Matchers.containsString("error=\"invalid_token\""),
					org.hamcrest.Matchers.containsString("error_description=\"" + reason.description() + "\""))));
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
