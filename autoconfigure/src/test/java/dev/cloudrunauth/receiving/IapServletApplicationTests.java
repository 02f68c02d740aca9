package dev.cloudrunauth.receiving;

import java.time.Duration;
import java.time.Instant;

import dev.cloudrunauth.ProcessEnvironments;
import dev.cloudrunauth.test.LoggedTokens;
import dev.cloudrunauth.test.emulator.EmulatorEndpoint;
import dev.cloudrunauth.test.emulator.Fault;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import dev.cloudrunauth.test.emulator.IapAssertionBuilder;
import dev.cloudrunauth.test.emulator.IapSigningKeys;
import dev.cloudrunauth.test.emulator.ServiceAccount;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * IAP mode in a servlet application shaped like users' applications: a page for end
 * users, an internal controller for one service account ({@code @AllowCallers}), reports
 * behind {@code @caller.in}, an admin page behind the application's own
 * {@code @PreAuthorize} on the user's name, and a public path. Assertions come from the
 * emulator's IAP and go through the real decoder.
 */
class IapServletApplicationTests {

	static final String AUDIENCE = "https://receiving-123456789012.us-central1.run.app";

	static final String IAP_AUDIENCE = "/projects/123456789012/locations/us-central1/services/receiving";

	static final String CALLER = "a-caller@p.iam.gserviceaccount.com";

	static final String ALICE = "alice@example.com";

	static final String BOB = "bob@example.com";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();

	@Test
	void verificationsOfAssertionsAndOfServiceTokensAreToldApartInTheirMeter() {
		runner()
			.withConfiguration(
					AutoConfigurations.of(ObservationAutoConfiguration.class, MetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> {
				MockMvc mvc = ReceivingContexts.mockMvc(context);
				iap(mvc, "/whoami", assertion(ALICE).sign()).andExpect(status().isOk());
				iap(mvc, "/whoami", assertion(ALICE).audience("/projects/1/apps/other").sign())
					.andExpect(status().isUnauthorized());
				service(mvc, "/whoami", CALLER).andExpect(status().isOk());
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(verifications(registry, "iap_assertion", "accepted")).isEqualTo(1);
				assertThat(verifications(registry, "iap_assertion", "rejected")).isEqualTo(1);
				assertThat(verifications(registry, "id_token", "accepted")).isEqualTo(1);
				assertThat(registry.find(ReceivingObservations.VERIFICATIONS)
					.tags("token", "id_token", "outcome", "rejected")
					.timer()).isNull();
			});
	}

	private static long verifications(MeterRegistry registry, String token, String outcome) {
		return registry.find(ReceivingObservations.VERIFICATIONS)
			.tags("token", token, "outcome", outcome)
			.timers()
			.stream()
			.mapToLong(Timer::count)
			.sum();
	}

	@Test
	void aValidAssertionAuthenticatesTheEndUserWithTheAssertionAsToken() {
		run((mvc) -> {
			iap(mvc, "/whoami", assertion(ALICE).sign()).andExpect(status().isOk())
				.andExpect(content()
					.string(ALICE + " " + assertion(ALICE).claims().get("sub") + " " + IdTokenValidators.IAP_ISSUER));
			iap(mvc, "/whoami", assertion("carol@corp.example").hostedDomain("corp.example").sign())
				.andExpect(status().isOk());
		});
	}

	@Test
	void theRemovedSignatureOfIapsServiceAgentTokenDoesNotBreakTheIapPath() {
		String serviceAgent = google.emulator()
			.idToken(AUDIENCE)
			.serviceAccount(ServiceAccount.of("service-123456789012@gcp-sa-iap.iam.gserviceaccount.com"))
			.signWithSignatureRemovedByGoogle();
		run((mvc) -> mvc
			.perform(withIap(get("/whoami"), assertion(ALICE).sign()).header("X-Serverless-Authorization",
					"Bearer " + serviceAgent))
			.andExpect(status().isOk())
			.andExpect(content().string(org.hamcrest.Matchers.startsWith(ALICE + " "))));
	}

	@Test
	void inTrustModeTheAssertionAloneDecidesNotTheServiceAgentsToken() {
		String serviceAgent = google.emulator()
			.idToken(AUDIENCE)
			.serviceAccount(ServiceAccount.of("service-123456789012@gcp-sa-iap.iam.gserviceaccount.com"))
			.signWithSignatureRemovedByGoogle();
		run((mvc) -> {
			mvc.perform(withIap(get("/whoami"), assertion(BOB).sign()).header("X-Serverless-Authorization",
					"Bearer " + serviceAgent))
				.andExpect(status().isForbidden());
			mvc.perform(withIap(get("/whoami"), assertion(ALICE).audience(AUDIENCE).sign())
				.header("X-Serverless-Authorization", "Bearer " + serviceAgent)).andExpect(status().isUnauthorized());
			mvc.perform(withIap(get("/whoami"), assertion(ALICE).sign()).header("X-Serverless-Authorization",
					"Bearer " + serviceAgent))
				.andExpect(status().isOk());
			mvc.perform(get("/whoami").header("X-Serverless-Authorization", "Bearer " + serviceAgent))
				.andExpect(status().isOk());
			String signed = assertion(ALICE).sign();
			refused(mvc, signed.substring(0, signed.lastIndexOf('.') + 1) + "SIGNATURE_REMOVED_BY_GOOGLE",
					RejectionReason.SIGNATURE_REMOVED);
		}, "cloudrun.auth.receiving.allowed-callers=", "cloudrun.auth.receiving.trust-cloud-run-iam=true",
				"cloudrun.auth.receiving.trust-cloud-run-iam-outside-cloud-run=true",
				"cloudrun.auth.receiving.check-invoker-iam=false");
	}

	@Test
	void assertionsThatAreNotIapsForThisAppAreRefusedWith401() {
		GoogleIdentityEmulator emulator = google.emulator();
		Instant now = Instant.now();
		run((mvc) -> {
			refused(mvc, assertion(ALICE).audience("/projects/123456789012/global/backendServices/42").sign(),
					RejectionReason.AUDIENCE);
			refused(mvc, assertion(ALICE).audience(AUDIENCE).sign(), RejectionReason.AUDIENCE);
			refused(mvc, assertion(ALICE).signWithAnotherKey(), RejectionReason.SIGNATURE);
			refused(mvc, assertion(ALICE).signWithGoogleIdTokenKey(), RejectionReason.ALGORITHM);
			refused(mvc, assertion(ALICE).header("kid", emulator.keys().signingKeyId()).signWithGoogleIdTokenKey(),
					RejectionReason.ALGORITHM);
			refused(mvc, assertion(ALICE).unsigned(), RejectionReason.UNSIGNED);
			refused(mvc,
					assertion(ALICE)
						.signWithHmac(emulator.keys().publicKey(emulator.keys().signingKeyId()).getEncoded()),
					RejectionReason.ALGORITHM);
			refused(mvc, assertion(ALICE).issuer("https://accounts.google.com").sign(), RejectionReason.ISSUER);
			refused(mvc, assertion(ALICE).issuedAt(now.minusSeconds(700)).expiresAt(now.minusSeconds(100)).sign(),
					RejectionReason.EXPIRED);
			refused(mvc, assertion(ALICE).expiresAt(now.plusSeconds(3600)).sign(), RejectionReason.LIFETIME);
			refused(mvc, assertion(ALICE).withoutClaim("email").sign(), RejectionReason.EMAIL);
			refused(mvc, assertion(ALICE).header("kid", "no-such-key").sign(), RejectionReason.UNKNOWN_KEY);
			refused(mvc, "garbage", RejectionReason.MALFORMED);
			refused(mvc, google.emulator().idToken(IAP_AUDIENCE).serviceAccount(ServiceAccount.of(CALLER)).sign(),
					RejectionReason.ALGORITHM);
		});
	}

	@Test
	void anInvalidAssertionIsRefusedEvenBesideAValidServiceToken() {
		run((mvc) -> {
			mvc.perform(withIap(get("/internal/jobs"), assertion(ALICE).audience(AUDIENCE).sign())
				.header("Authorization", "Bearer " + serviceToken(CALLER))).andExpect(status().isUnauthorized());
			mvc.perform(get("/internal/jobs").header(IapAssertionBuilder.HEADER, assertion(ALICE).sign(),
					assertion(ALICE).sign()))
				.andExpect(status().isUnauthorized());
			mvc.perform(get("/internal/jobs").header(IapAssertionBuilder.HEADER, "")
				.header("Authorization", "Bearer " + serviceToken(CALLER))).andExpect(status().isUnauthorized());
		});
	}

	@Test
	void requestsWithoutTheHeaderTakeTheServiceTokenPathAsBefore() {
		run((mvc) -> {
			service(mvc, "/internal/jobs", CALLER).andExpect(status().isOk());
			service(mvc, "/reports", CALLER).andExpect(status().isOk());
			service(mvc, "/internal/jobs", "stranger@evil.iam.gserviceaccount.com").andExpect(status().isForbidden());
			mvc.perform(get("/whoami")).andExpect(status().isUnauthorized());
		});
	}

	@Test
	void anIapUserNeverPassesAServiceAccountCallerRuleEvenUnderItsEmail() {
		run((mvc) -> {
			iap(mvc, "/internal/jobs", assertion(ALICE).sign()).andExpect(status().isForbidden());
			iap(mvc, "/reports", assertion(ALICE).sign()).andExpect(status().isForbidden());
			iap(mvc, "/internal/jobs", assertion(CALLER).sign()).andExpect(status().isForbidden());
			iap(mvc, "/reports", assertion(CALLER).sign()).andExpect(status().isForbidden());
			iap(mvc, "/whoami", assertion(CALLER).sign()).andExpect(status().isForbidden());
		}, "cloudrun.auth.receiving.iap.allowed-users=" + ALICE + ",*@corp.example");
	}

	@Test
	void onlyAllowedIapUsersMayCallAndADomainEntryNeedsTheWorkspaceDomain() {
		run((mvc) -> {
			iap(mvc, "/whoami", assertion(BOB).sign()).andExpect(status().isForbidden())
				.andExpect(header().string("WWW-Authenticate", org.hamcrest.Matchers.containsString("insufficient")));
			iap(mvc, "/whoami", assertion("mallory@corp.example").sign()).andExpect(status().isForbidden());
			iap(mvc, "/whoami", assertion("mallory@corp.example").hostedDomain("other.example").sign())
				.andExpect(status().isForbidden());
			iap(mvc, "/whoami", assertion("mallory@evil.corp.example").hostedDomain("corp.example").sign())
				.andExpect(status().isForbidden());
			iap(mvc, "/admin", assertion(ALICE).sign()).andExpect(status().isOk());
			iap(mvc, "/admin", assertion("carol@corp.example").hostedDomain("corp.example").sign())
				.andExpect(status().isForbidden());
		});
	}

	@Test
	void allowAnyUserLetsIapsAccessPolicyDecide() {
		run((mvc) -> {
			iap(mvc, "/whoami", assertion(BOB).sign()).andExpect(status().isOk());
			iap(mvc, "/internal/jobs", assertion(BOB).sign()).andExpect(status().isForbidden());
		}, "cloudrun.auth.receiving.iap.allowed-users=", "cloudrun.auth.receiving.iap.allow-any-user=true");
	}

	@Test
	void aPathRuleAdmitsItsOwnCallersOnlyNeverAnIapUser() {
		String pusher = "push@p.iam.gserviceaccount.com";
		run((mvc) -> {
			iap(mvc, "/whoami", assertion(ALICE).sign()).andExpect(status().isForbidden());
			service(mvc, "/whoami", pusher).andExpect(status().isOk());
			service(mvc, "/whoami", CALLER).andExpect(status().isForbidden());
			iap(mvc, "/admin", assertion(ALICE).sign()).andExpect(status().isOk());
			service(mvc, "/admin", pusher).andExpect(status().isForbidden());
		}, "cloudrun.auth.receiving.paths.whoami.pattern=/whoami",
				"cloudrun.auth.receiving.paths.whoami.allowed-callers=" + pusher);
	}

	@Test
	void aPublicPathIgnoresABrokenAssertion() {
		run((mvc) -> iap(mvc, "/public/ping", "garbage").andExpect(status().isOk()));
	}

	@Test
	void withIapModeOffTheHeaderIsIgnored() {
		runner().withPropertyValues("cloudrun.auth.receiving.iap.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(IapAssertions.class);
			MockMvc mvc = ReceivingContexts.mockMvc(context);
			iap(mvc, "/whoami", assertion(ALICE).sign()).andExpect(status().isUnauthorized());
			mvc.perform(
					withIap(get("/internal/jobs"), "garbage").header("Authorization", "Bearer " + serviceToken(CALLER)))
				.andExpect(status().isOk());
		});
	}

	@Test
	void anUnknownKeyIdIsLookedForOnceAndARotatedKeyIsFound() {
		GoogleIdentityEmulator emulator = google.emulator();
		IapSigningKeys keys = emulator.iap().keys();
		run((mvc) -> {
			iap(mvc, "/whoami", assertion(ALICE).sign()).andExpect(status().isOk());
			long before = emulator.iap().jwksFetches();
			String previous = keys.signingKeyId();
			keys.rotate();
			try {
				iap(mvc, "/whoami", assertion(ALICE).sign()).andExpect(status().isOk());
				assertThat(emulator.iap().jwksFetches() - before).isEqualTo(1);
				iap(mvc, "/whoami", assertion(ALICE).header("kid", "made-up").sign())
					.andExpect(status().isUnauthorized());
				iap(mvc, "/whoami", assertion(ALICE).header("kid", "made-up-too").sign())
					.andExpect(status().isUnauthorized());
				assertThat(emulator.iap().jwksFetches() - before).as("one refetch per interval").isEqualTo(1);
				iap(mvc, "/whoami", assertion(ALICE).signingKey(previous).sign()).andExpect(status().isOk());
			}
			finally {
				keys.useForSigning(previous);
			}
		});
	}

	@Test
	void knownKeysStayInUseWhileTheKeySetIsDown() {
		run((mvc) -> {
			iap(mvc, "/whoami", assertion(ALICE).sign()).andExpect(status().isOk());
			google.emulator().inject(EmulatorEndpoint.JWKS, Fault.httpStatus(503));
			iap(mvc, "/whoami", assertion(ALICE).sign()).andExpect(status().isOk());
			iap(mvc, "/whoami", assertion(ALICE).header("kid", "unknown").sign()).andExpect(status().isUnauthorized());
		});
	}

	@Test
	void iapKeysAreRefetchedAheadOfTheMaxAgeTheKeySetStates() {
		GoogleIdentityEmulator emulator = google.emulator();
		emulator.setJwksMaxAge(Duration.ofSeconds(5));
		try {
			run((mvc) -> Awaitility.await()
				.atMost(Duration.ofSeconds(15))
				.until(() -> emulator.iap().jwksFetches() >= 2));
		}
		finally {
			emulator.setJwksMaxAge(Duration.ofHours(6));
		}
	}

	@Test
	void theAudienceIsDerivedOnCloudRun() {
		GoogleIdentityEmulator emulator = google.emulator();
		runner().withPropertyValues("cloudrun.auth.receiving.iap.audiences=")
			.withInitializer(
					ProcessEnvironments.with("K_SERVICE", "orders", "GCE_METADATA_HOST", emulator.metadataHost()))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(IapSettings.class).audiences())
					.containsExactly(emulator.iap().audience("orders"));
				MockMvc mvc = ReceivingContexts.mockMvc(context);
				iap(mvc, "/whoami", emulator.iap().assertion(ALICE, emulator.iap().audience("orders")).sign())
					.andExpect(status().isOk());
				iap(mvc, "/whoami", assertion(ALICE).sign()).andExpect(status().isUnauthorized());
			});
	}

	static IapAssertionBuilder assertion(String email) {
		return google.emulator().iap().assertion(email, IAP_AUDIENCE);
	}

	private static String serviceToken(String caller) {
		return google.emulator().idToken(AUDIENCE).serviceAccount(ServiceAccount.of(caller)).sign();
	}

	private static void run(MvcCallback callback, String... properties) {
		runner().withPropertyValues(properties).run((context) -> {
			assertThat(context).hasNotFailed();
			callback.run(ReceivingContexts.mockMvc(context));
		});
	}

	static WebApplicationContextRunner runner() {
		GoogleIdentityEmulator emulator = google.emulator();
		return ReceivingContexts.servlet(emulator, AUDIENCE)
			.withUserConfiguration(UsersController.class, InternalController.class, ReportsController.class,
					PublicController.class)
			.withPropertyValues("cloudrun.auth.receiving.allowed-callers=" + CALLER,
					"cloudrun.auth.receiving.public-paths=/public/**", "cloudrun.auth.receiving.iap.enabled=true",
					"cloudrun.auth.receiving.iap.audiences=" + IAP_AUDIENCE,
					"cloudrun.auth.receiving.iap.jwk-set-uri=" + emulator.iap().jwkSetUri(),
					"cloudrun.auth.receiving.iap.allowed-users=" + ALICE + ",*@corp.example," + CALLER);
	}

	private static ResultActions iap(MockMvc mvc, String path, String assertion) throws Exception {
		return mvc.perform(withIap(get(path), assertion));
	}

	private static MockHttpServletRequestBuilder withIap(MockHttpServletRequestBuilder request, String assertion) {
		return request.header(IapAssertionBuilder.HEADER, assertion);
	}

	private static ResultActions service(MockMvc mvc, String path, String caller) throws Exception {
		return mvc.perform(get(path).header("Authorization", "Bearer " + serviceToken(caller)));
	}

	private static void refused(MockMvc mvc, String assertion, RejectionReason reason) throws Exception {
		String challenge = iap(mvc, "/whoami", assertion).andExpect(status().isUnauthorized())
			.andExpect(header().string("WWW-Authenticate", org.hamcrest.Matchers.containsString("invalid_token")))
			.andExpect(header().string("WWW-Authenticate", org.hamcrest.Matchers.containsString(reason.description())))
			.andReturn()
			.getResponse()
			.getHeader("WWW-Authenticate");
		assertThat(LoggedTokens.find(challenge)).isEmpty();
	}

	@FunctionalInterface
	interface MvcCallback {

		void run(MockMvc mvc) throws Exception;

	}

	@RestController
	static class UsersController {

		@GetMapping("/whoami")
		String whoami(Authentication user) {
			Jwt assertion = (Jwt) user.getPrincipal();
			return user.getName() + " " + assertion.getSubject() + " " + assertion.getClaimAsString("iss");
		}

		@GetMapping("/admin")
		@PreAuthorize("authentication.name == 'alice@example.com'")
		String admin() {
			return "admin";
		}

	}

	@RestController
	@RequestMapping("/internal")
	@AllowCallers(CALLER)
	static class InternalController {

		@GetMapping("/jobs")
		String jobs() {
			return "jobs";
		}

	}

	@RestController
	static class ReportsController {

		@GetMapping("/reports")
		@PreAuthorize("@caller.in('" + CALLER + "')")
		String reports() {
			return "reports";
		}

	}

	@RestController
	static class PublicController {

		@GetMapping("/public/ping")
		String ping() {
			return "pong";
		}

	}

}
