package dev.cloudrunauth.receiving;

import java.time.Duration;

import dev.cloudrunauth.ProcessEnvironments;
import dev.cloudrunauth.test.emulator.EmulatorEndpoint;
import dev.cloudrunauth.test.emulator.Fault;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import dev.cloudrunauth.test.emulator.ServiceAccount;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.core.Authentication;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Trust mode on Cloud Run checks its own premise: that Cloud Run's invoker IAM check is
 * on for this service, read from the Cloud Run Admin API that the emulator serves, with
 * the service's own identity from its metadata server.
 */
@ExtendWith(OutputCaptureExtension.class)
class TrustModeInvokerIamTests {

	static final String CALLER = ReceivingServletIntegrationTests.CALLER;

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension(
			(builder) -> builder.serviceAccount(CALLER));

	@BeforeEach
	void invokerIamCheckOnAndReadable() {
		google.emulator().cloudRun().setInvokerIamDisabled(false);
		google.emulator().cloudRun().setAdminPermissionDenied(false);
	}

	@Test
	void withTheInvokerIamCheckOnATokenWhoseSignatureCloudRunRemovedIsAccepted() {
		run((context, mvc) -> {
			awaitState(context, InvokerIamCheck.State.ON);
			perform(mvc, stripped(CALLER)).andExpect(status().isOk());
			assertThat(health(context).getStatus()).isEqualTo(Status.UP);
			assertThat(health(context).getDetails()).containsEntry("invokerIamCheck", "on");
		});
	}

	@Test
	void withTheInvokerIamCheckOffAStrippedTokenIsRefusedWithItsOwnReasonAndHealthIsDown(CapturedOutput output) {
		google.emulator().cloudRun().setInvokerIamDisabled(true);
		run((context, mvc) -> {
			awaitState(context, InvokerIamCheck.State.OFF);
			perform(mvc, stripped(CALLER)).andExpect(status().isUnauthorized())
				.andExpect(header().string("WWW-Authenticate",
						org.hamcrest.Matchers.containsString(RejectionReason.INVOKER_IAM_DISABLED.description())));
			Health health = health(context);
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsEntry("invokerIamCheck", "off");
			assertThat(health.getDetails().get("invokerIamProblem").toString()).contains("invokerIamDisabled: true");
			assertThat(output).contains("ERROR")
				.contains("invoker IAM check is off for service receiving")
				.contains("--invoker-iam-check")
				.contains("cloudrun.auth.receiving.allowed-callers");
		});
	}

	@Test
	void withTheInvokerIamCheckOffAndNoCallersListedNoSignedTokenIsAcceptedEither() {
		google.emulator().cloudRun().setInvokerIamDisabled(true);
		run((context, mvc) -> {
			awaitState(context, InvokerIamCheck.State.OFF);
			perform(mvc, signed("anyone@evil-project.iam.gserviceaccount.com")).andExpect(status().isForbidden());
			perform(mvc, signed(CALLER)).andExpect(status().isForbidden());
		});
	}

	@Test
	void withTheInvokerIamCheckOffListedCallersWithSignedTokensStillCall() {
		google.emulator().cloudRun().setInvokerIamDisabled(true);
		run((context, mvc) -> {
			awaitState(context, InvokerIamCheck.State.OFF);
			perform(mvc, signed(CALLER)).andExpect(status().isOk());
			perform(mvc, signed("anyone@evil-project.iam.gserviceaccount.com")).andExpect(status().isForbidden());
			perform(mvc, stripped(CALLER)).andExpect(status().isUnauthorized());
		}, "cloudrun.auth.receiving.allowed-callers=" + CALLER);
	}

	@Test
	void theFirstStrippedTokensWaitForTheFirstCheckRatherThanSlipThroughBeforeIt() {
		google.emulator().cloudRun().setInvokerIamDisabled(true);
		// long enough for a loaded machine to start the context before the first check
		// ends, within jwk-set-timeout
		google.emulator().inject(EmulatorEndpoint.CLOUD_RUN_ADMIN, Fault.delay(Duration.ofSeconds(3)));
		run((context, mvc) -> {
			assertThat(context.getBean(InvokerIamCheck.class).state()).isEqualTo(InvokerIamCheck.State.CHECKING);
			perform(mvc, stripped(CALLER)).andExpect(status().isUnauthorized());
		});
	}

	@Test
	void permissionDeniedWarnsOnceNamingThePermissionAndTrustGoesOn(CapturedOutput output) {
		google.emulator().cloudRun().setAdminPermissionDenied(true);
		run((context, mvc) -> {
			awaitState(context, InvokerIamCheck.State.UNKNOWN);
			perform(mvc, stripped(CALLER)).andExpect(status().isOk());
			assertThat(health(context).getStatus()).isEqualTo(Status.UP);
			assertThat(health(context).getDetails()).containsEntry("invokerIamCheck", "unknown");
			assertThat(output).contains("WARN")
				.contains("run.services.get")
				.contains("roles/run.viewer")
				.contains("HTTP 403");
		});
	}

	@Test
	void anUnknownServiceOrAnUnreachableApiWarnsAndTrustGoesOn(CapturedOutput output) {
		google.emulator().inject(EmulatorEndpoint.CLOUD_RUN_ADMIN, Fault.httpStatus(404));
		run((context, mvc) -> {
			awaitState(context, InvokerIamCheck.State.UNKNOWN);
			perform(mvc, stripped(CALLER)).andExpect(status().isOk());
			assertThat(output).contains("HTTP 404");
		});
		google.emulator().inject(EmulatorEndpoint.CLOUD_RUN_ADMIN, Fault.refuseConnections());
		run((context, mvc) -> {
			awaitState(context, InvokerIamCheck.State.UNKNOWN);
			perform(mvc, stripped(CALLER)).andExpect(status().isOk());
			assertThat(output).contains("ConnectException");
		});
	}

	@Test
	void theCheckCanBeTurnedOff() {
		google.emulator().cloudRun().setInvokerIamDisabled(true);
		run((context, mvc) -> {
			assertThat(context).doesNotHaveBean(InvokerIamCheck.class);
			perform(mvc, stripped(CALLER)).andExpect(status().isOk());
			assertThat(google.emulator().requests(EmulatorEndpoint.CLOUD_RUN_ADMIN)).isZero();
		}, "cloudrun.auth.receiving.check-invoker-iam=false");
	}

	@Test
	void aReactiveApplicationRefusesStrippedTokensWhileTheCheckIsOffToo() {
		google.emulator().cloudRun().setInvokerIamDisabled(true);
		google.emulator().inject(EmulatorEndpoint.CLOUD_RUN_ADMIN, Fault.delay(Duration.ofMillis(500)));
		ReceivingContexts.reactive(google.emulator(), ReceivingServletIntegrationTests.AUDIENCE)
			.withUserConfiguration(ReceivingReactiveIntegrationTests.TestController.class)
			.withInitializer(cloudRun())
			.withPropertyValues(properties())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				WebTestClient client = ReceivingContexts.webTestClient(context);
				client.get()
					.uri("/hello")
					.header("Authorization", "Bearer " + stripped(CALLER))
					.exchange()
					.expectStatus()
					.isUnauthorized()
					.expectHeader()
					.value("WWW-Authenticate",
							(value) -> assertThat(value).contains(RejectionReason.INVOKER_IAM_DISABLED.description()));
			});
	}

	private static void run(ContextCallback callback, String... properties) {
		ReceivingContexts.servlet(google.emulator(), ReceivingServletIntegrationTests.AUDIENCE)
			.withUserConfiguration(HelloController.class)
			.withInitializer(cloudRun())
			.withPropertyValues(properties())
			.withPropertyValues(properties)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				callback.run(context, ReceivingContexts.mockMvc(context));
			});
	}

	private static String[] properties() {
		GoogleIdentityEmulator emulator = google.emulator();
		return new String[] { "cloudrun.auth.receiving.trust-cloud-run-iam=true",
				"cloudrun.auth.receiving.cloud-run-api-uri=" + emulator.cloudRun().apiUri() };
	}

	private static ApplicationContextInitializer<ConfigurableApplicationContext> cloudRun() {
		return ProcessEnvironments.with("K_SERVICE", "receiving", "GCE_METADATA_HOST",
				google.emulator().metadataHost());
	}

	private static void awaitState(AssertableWebApplicationContext context, InvokerIamCheck.State state) {
		InvokerIamCheck check = context.getBean(InvokerIamCheck.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> check.state() == state);
	}

	private static Health health(AssertableWebApplicationContext context) {
		return new CloudRunReceivingHealthIndicator(context.getBean(SigningKeyCache.class),
				context.getBean(InvokerIamCheck.class))
			.health(true);
	}

	private static ResultActions perform(MockMvc mvc, String token) throws Exception {
		return ReceivingServletIntegrationTests.perform(mvc, get("/hello"), token);
	}

	private static String stripped(String caller) {
		return google.emulator()
			.idToken(ReceivingServletIntegrationTests.AUDIENCE)
			.serviceAccount(ServiceAccount.of(caller))
			.signWithSignatureRemovedByGoogle();
	}

	private static String signed(String caller) {
		return google.emulator()
			.idToken(ReceivingServletIntegrationTests.AUDIENCE)
			.serviceAccount(ServiceAccount.of(caller))
			.sign();
	}

	@RestController
	static class HelloController {

		@GetMapping("/hello")
		String hello(Authentication caller) {
			return "Hello, " + caller.getName() + "!";
		}

	}

	@FunctionalInterface
	interface ContextCallback {

		void run(AssertableWebApplicationContext context, MockMvc mvc) throws Exception;

	}

}
