package dev.cloudrunauth.calling;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.cloudrunauth.test.LoggedTokens;
import dev.cloudrunauth.test.LoopbackServer;
import dev.cloudrunauth.test.emulator.EmulatorEndpoint;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import dev.cloudrunauth.test.emulator.ServiceAccount;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static dev.cloudrunauth.StartupFailures.assertInvalidProperty;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code cloudrun.auth.calling.targets.<name>.impersonate-service-account}: one caller
 * (the metadata server's account) calls each target as a service account of its own,
 * impersonated through the emulator's IAM Credentials, in an application with a client
 * per downstream service.
 */
@ExtendWith(OutputCaptureExtension.class)
class PerTargetIdentityTests {

	private static final String CALLER = "calling@emulator-project.iam.gserviceaccount.com";

	private static final String ORDERS_AS = "orders-caller@emulator-project.iam.gserviceaccount.com";

	private static final String BILLING_AS = "billing-caller@emulator-project.iam.gserviceaccount.com";

	private static final String GLOBAL_AS = "shared-caller@emulator-project.iam.gserviceaccount.com";

	private static final String DENIED_AS = "payroll-caller@emulator-project.iam.gserviceaccount.com";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension(
			(builder) -> builder.serviceAccount(CALLER));

	static LoopbackServer orders;

	static LoopbackServer billing;

	static LoopbackServer catalog;

	@BeforeAll
	static void startServers() {
		orders = LoopbackServer.start();
		billing = LoopbackServer.start();
		catalog = LoopbackServer.start();
	}

	@AfterAll
	static void stopServers() {
		orders.close();
		billing.close();
		catalog.close();
	}

	@BeforeEach
	void prepare() {
		orders.clear();
		billing.clear();
		catalog.clear();
		GoogleIdentityEmulator emulator = google.emulator();
		ServiceAccount caller = emulator.serviceAccount(CALLER);
		emulator.restrictImpersonation(emulator.serviceAccount(ORDERS_AS), caller);
		emulator.restrictImpersonation(emulator.serviceAccount(BILLING_AS), caller);
		emulator.restrictImpersonation(emulator.serviceAccount(GLOBAL_AS), caller);
		// the caller lacks roles/iam.serviceAccountOpenIdTokenCreator on this one
		emulator.restrictImpersonation(emulator.serviceAccount(DENIED_AS));
	}

	@Test
	void eachTargetIsCalledAsItsOwnServiceAccountAndTheOthersAsTheGlobalOne() {
		application("cloudrun.auth.calling.impersonate-service-account=" + GLOBAL_AS).run((context) -> {
			Clients clients = context.getBean(Clients.class);
			for (int i = 0; i < 3; i++) {
				clients.orders();
				clients.billing();
				clients.catalog();
			}
			assertThat(email(orders)).isEqualTo(ORDERS_AS);
			assertThat(email(billing)).isEqualTo(BILLING_AS);
			assertThat(email(catalog)).isEqualTo(GLOBAL_AS);
			// orders and billing share an audience: one token each, cached apart
			assertThat(verify(billing.requests().get(0).bearerToken("Authorization")).getAudience())
				.containsExactly(orders.url());
			assertThat(google.emulator().idTokensMinted(orders.url())).isEqualTo(2);
			assertThat(google.emulator().idTokensMinted(catalog.url())).isEqualTo(1);
			assertThat(google.emulator().requests(EmulatorEndpoint.IAM_CREDENTIALS)).isEqualTo(3);
			assertThat(distinctTokens(orders)).isEqualTo(1);
			assertThat(distinctTokens(billing)).isEqualTo(1);
			assertThat(orders.requests().get(0).bearerToken("Authorization"))
				.isNotEqualTo(billing.requests().get(0).bearerToken("Authorization"));
		});
	}

	@Test
	void withoutAGlobalServiceAccountOtherTargetsAreCalledAsTheCredentialsOwnIdentity() {
		application().run((context) -> {
			Clients clients = context.getBean(Clients.class);
			clients.orders();
			clients.catalog();
			assertThat(email(orders)).isEqualTo(ORDERS_AS);
			assertThat(email(catalog)).isEqualTo(CALLER);
			assertThat(google.emulator().requests(EmulatorEndpoint.IAM_CREDENTIALS)).isEqualTo(1);
		});
	}

	@Test
	void aTargetNamingTheGlobalServiceAccountSharesItsTokens() {
		application("cloudrun.auth.calling.impersonate-service-account=" + GLOBAL_AS,
				"cloudrun.auth.calling.targets.catalog.audience=" + orders.url(),
				"cloudrun.auth.calling.targets.orders.impersonate-service-account=" + GLOBAL_AS)
			.run((context) -> {
				Clients clients = context.getBean(Clients.class);
				clients.orders();
				clients.catalog();
				assertThat(email(orders)).isEqualTo(GLOBAL_AS);
				assertThat(email(catalog)).isEqualTo(GLOBAL_AS);
				assertThat(google.emulator().idTokensMinted(orders.url())).isEqualTo(1);
			});
	}

	@Test
	void mintsAreTaggedWithTheIdentityTheyAreMintedAs() {
		application()
			.withConfiguration(
					AutoConfigurations.of(ObservationAutoConfiguration.class, MetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> {
				Clients clients = context.getBean(Clients.class);
				clients.orders();
				clients.billing();
				clients.catalog();
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(mints(registry, "orders", ORDERS_AS)).isEqualTo(1);
				assertThat(mints(registry, "billing", BILLING_AS)).isEqualTo(1);
				assertThat(mints(registry, "catalog", "default")).isEqualTo(1);
				assertThat(registry.get("cloudrun.auth.token.cache").tag("result", "miss").functionCounter().count())
					.isEqualTo(3);
			});
	}

	@Test
	void theGlobalServiceAccountIsTheIdentityTagOfTheOtherTargets() {
		application("cloudrun.auth.calling.impersonate-service-account=" + GLOBAL_AS)
			.withConfiguration(
					AutoConfigurations.of(ObservationAutoConfiguration.class, MetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> {
				context.getBean(Clients.class).catalog();
				assertThat(mints(context.getBean(MeterRegistry.class), "catalog", GLOBAL_AS)).isEqualTo(1);
			});
	}

	@Test
	void healthNamesEachTargetsIdentity() {
		application().withConfiguration(AutoConfigurations.of(CloudRunCallingHealthAutoConfiguration.class))
			.run((context) -> {
				context.getBean(Clients.class).orders();
				Health health = context.getBean(CloudRunCallingHealthIndicator.class).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(target(health, "orders")).containsEntry("identity", ORDERS_AS)
					.containsEntry("token", "valid");
				assertThat(target(health, "billing")).containsEntry("identity", BILLING_AS)
					.containsEntry("token", "none");
				assertThat(target(health, "catalog")).containsEntry("identity", "default")
					.containsEntry("token", "none");
			});
	}

	@Test
	void aValueThatIsNoServiceAccountEmailFailsStartupNamingTheProperty() {
		application("cloudrun.auth.calling.targets.orders.impersonate-service-account=orders-caller")
			.run((context) -> assertInvalidProperty(context,
					"cloudrun.auth.calling.targets.orders.impersonate-service-account")
				.hasMessageContaining("service account email"));
	}

	@Test
	void anIdTokenSourceOfTheApplicationsOwnCannotCallATargetAsItsServiceAccount() {
		application().withBean(IdTokenSource.class, FixedTokenSource::new)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("cloudrun.auth.calling.targets.orders.impersonate-service-account"));
	}

	@Test
	void aRefusedImpersonationFailsOnlyTheCallsOfItsTarget(CapturedOutput output) {
		application("cloudrun.auth.calling.targets.catalog.impersonate-service-account=" + DENIED_AS)
			.withConfiguration(AutoConfigurations.of(CloudRunCallingHealthAutoConfiguration.class))
			.run((context) -> {
				Clients clients = context.getBean(Clients.class);
				assertThatExceptionOfType(IdTokenUnavailableException.class).isThrownBy(clients::catalog)
					.satisfies((ex) -> {
						assertThat(ex.getTarget()).isEqualTo("catalog");
						assertThat(ex.getMessage()).contains("Call to target 'catalog' not sent", DENIED_AS);
					});
				assertThat(catalog.requests()).isEmpty();
				clients.orders();
				clients.billing();
				assertThat(email(orders)).isEqualTo(ORDERS_AS);
				assertThat(email(billing)).isEqualTo(BILLING_AS);
				Health health = context.getBean(CloudRunCallingHealthIndicator.class).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(target(health, "catalog")).containsEntry("identity", DENIED_AS).containsKey("lastError");
				assertThat(target(health, "orders")).containsEntry("token", "valid").doesNotContainKey("lastError");
			});
		assertThat(output.getAll()).contains("Cannot mint ID token", DENIED_AS);
		assertThat(LoggedTokens.find(output.getAll())).isEmpty();
	}

	/**
	 * Three downstream services: orders as its own account, billing (same audience as
	 * orders) as another, catalog as whatever the global settings say.
	 */
	private ApplicationContextRunner application(String... properties) {
		return CallingContexts.metadataServer(google.emulator())
			.withUserConfiguration(ClientsConfiguration.class)
			.withPropertyValues("cloudrun.auth.calling.targets.orders.url=" + orders.url(),
					"cloudrun.auth.calling.targets.orders.impersonate-service-account=" + ORDERS_AS,
					"cloudrun.auth.calling.targets.billing.url=" + billing.url(),
					"cloudrun.auth.calling.targets.billing.audience=" + orders.url(),
					"cloudrun.auth.calling.targets.billing.impersonate-service-account=" + BILLING_AS,
					"cloudrun.auth.calling.targets.catalog.url=" + catalog.url())
			.withPropertyValues(properties);
	}

	private static String email(LoopbackServer server) {
		return verify(server.requests().get(0).bearerToken("Authorization")).getClaimAsString("email");
	}

	private static long distinctTokens(LoopbackServer server) {
		return server.requests().stream().map((request) -> request.bearerToken("Authorization")).distinct().count();
	}

	private static long mints(MeterRegistry registry, String target, String identity) {
		return registry.get("cloudrun.auth.token.mints")
			.tags("target", target, "identity", identity, "outcome", "success")
			.timer()
			.count();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> target(Health health, String name) {
		return (Map<String, Object>) ((Map<String, Object>) health.getDetails().get("targets")).get(name);
	}

	private static Jwt verify(String token) {
		return NimbusJwtDecoder.withJwkSetUri(google.emulator().jwkSetUri()).build().decode(token);
	}

	@Configuration(proxyBeanMethods = false)
	static class ClientsConfiguration {

		@Bean
		Clients clients(RestClient.Builder restClients, WebClient.Builder webClients) {
			return new Clients(restClients.clone().baseUrl(orders.url()).build(),
					webClients.baseUrl(billing.url()).build(), restClients.clone().baseUrl(catalog.url()).build());
		}

	}

	/**
	 * The application's clients: orders over RestClient, billing over WebClient, catalog
	 * over a second RestClient from Boot's builder.
	 */
	static final class Clients {

		private final RestClient orders;

		private final WebClient billing;

		private final RestClient catalog;

		Clients(RestClient orders, WebClient billing, RestClient catalog) {
			this.orders = orders;
			this.billing = billing;
			this.catalog = catalog;
		}

		String orders() {
			return this.orders.get().uri("/orders/1").retrieve().body(String.class);
		}

		String billing() {
			return this.billing.get().uri("/invoices/1").retrieve().bodyToMono(String.class).block();
		}

		String catalog() {
			return this.catalog.get().uri("/items").retrieve().body(String.class);
		}

	}

	/**
	 * A token source of the application's own, which knows nothing of per-target
	 * identities.
	 */
	static final class FixedTokenSource implements IdTokenSource {

		@Override
		public String token(String audience) {
			return "not-a-token";
		}

		@Override
		public CompletableFuture<String> tokenAsync(String audience) {
			return CompletableFuture.completedFuture(token(audience));
		}

	}

}
