package dev.cloudrunauth.receiving;

import java.time.Duration;

import dev.cloudrunauth.test.emulator.EmulatorEndpoint;
import dev.cloudrunauth.test.emulator.Fault;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import dev.cloudrunauth.test.emulator.ServiceAccount;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class CloudRunReceivingActuatorTests {

	private static final String TARGET = "https://receiving-123456789012.us-central1.run.app";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();

	private final WebApplicationContextRunner receiving = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CloudRunReceivingAutoConfiguration.class,
				CloudRunReceivingServletAutoConfiguration.class, SecurityAutoConfiguration.class,
				ServletWebSecurityAutoConfiguration.class, CloudRunReceivingHealthAutoConfiguration.class,
				ObservationAutoConfiguration.class, MetricsAutoConfiguration.class))
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withPropertyValues("cloudrun.auth.receiving.audiences=" + TARGET,
				"cloudrun.auth.receiving.jwk-set-uri=" + google.emulator().jwkSetUri(),
				"cloudrun.auth.receiving.allowed-callers=allowed@p.iam.gserviceaccount.com");

	@Test
	void receivingHealthReportsTheKeysWithoutFetchingThem() {
		this.receiving.run((context) -> {
			SigningKeyCache keys = context.getBean(SigningKeyCache.class);
			await().until(keys::keysLoaded);
			long fetches = google.emulator().jwksFetches();
			Health health = context.getBean(CloudRunReceivingHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("keys", 1).containsKey("lastFetched");
			assertThat(google.emulator().jwksFetches()).isEqualTo(fetches);
		});
	}

	@Test
	void receivingHealthIsDownWhenKeysCouldNotBeLoaded() {
		google.emulator().inject(EmulatorEndpoint.JWKS, Fault.refuseConnections());
		this.receiving.run((context) -> {
			SigningKeyCache keys = context.getBean(SigningKeyCache.class);
			await().until(() -> keys.lastError() != null);
			Health health = context.getBean(CloudRunReceivingHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsKey("lastError").containsEntry("keys", 0);
		});
	}

	@Test
	@SuppressWarnings("unchecked")
	void verificationsAreTimedByOutcomeAndReason() {
		GoogleIdentityEmulator emulator = google.emulator();
		this.receiving.run((context) -> {
			JwtDecoder decoder = context.getBean(JwtDecoder.class);
			decoder.decode(emulator.idToken(TARGET).sign());
			assertThatExceptionOfType(JwtException.class)
				.isThrownBy(() -> decoder.decode(emulator.idToken("https://other.example").sign()));
			assertThatExceptionOfType(JwtException.class).isThrownBy(() -> decoder.decode("garbage"));
			AllowedCallersAuthorizationManager<RequestAuthorizationContext> callers = context
				.getBean(AllowedCallersAuthorizationManager.class);
			TestingAuthenticationToken stranger = new TestingAuthenticationToken(
					ServiceAccount.of("stranger@p.iam.gserviceaccount.com").email(), null, "ROLE_CALLER");
			assertThat(callers.authorize(() -> stranger, null).isGranted()).isFalse();
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(verifications(registry, "accepted", "none")).isEqualTo(1);
			assertThat(verifications(registry, "rejected", "audience")).isEqualTo(1);
			assertThat(verifications(registry, "rejected", "malformed")).isEqualTo(1);
			assertThat(verifications(registry, "rejected", "caller_not_allowed")).isEqualTo(1);
		});
	}

	@Test
	void keyFetchesAreTimedByOutcome() {
		GoogleIdentityEmulator emulator = google.emulator();
		emulator.inject(EmulatorEndpoint.JWKS, Fault.httpStatus(503));
		this.receiving.run((context) -> {
			SigningKeyCache keys = context.getBean(SigningKeyCache.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			await().until(() -> keys.failedFetches() >= 1);
			emulator.clearFault(EmulatorEndpoint.JWKS);
			await().atMost(Duration.ofSeconds(10)).until(keys::keysLoaded);
			await().until(
					() -> registry.find(ReceivingObservations.JWKS_FETCHES).tag("outcome", "success").timer() != null);
			assertThat(registry.get(ReceivingObservations.JWKS_FETCHES)
				.tags("outcome", "failure", "error", "IOException")
				.timer()
				.count()).isEqualTo(keys.failedFetches());
			assertThat(registry.get(ReceivingObservations.JWKS_FETCHES)
				.tags("outcome", "success", "error", "none")
				.timer()
				.count()).isEqualTo(1);
		});
	}

	@Test
	void verifiedTokenLookupsAreCountedByResult() {
		this.receiving.run((context) -> {
			JwtDecoder decoder = context.getBean(JwtDecoder.class);
			String token = google.emulator()
				.idToken(TARGET)
				.serviceAccount(ServiceAccount.of("allowed@p.iam.gserviceaccount.com"))
				.sign();
			decoder.decode(token);
			decoder.decode(token);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(
					registry.get(ReceivingObservations.VERIFIED_TOKENS).tag("result", "hit").functionCounter().count())
				.isEqualTo(1);
			assertThat(
					registry.get(ReceivingObservations.VERIFIED_TOKENS).tag("result", "miss").functionCounter().count())
				.isEqualTo(1);
		});
	}

	@Test
	void withoutAnObservationRegistryTokensAreStillVerified() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(CloudRunReceivingAutoConfiguration.class,
					CloudRunReceivingServletAutoConfiguration.class, SecurityAutoConfiguration.class,
					ServletWebSecurityAutoConfiguration.class))
			.withPropertyValues("cloudrun.auth.receiving.audiences=" + TARGET,
					"cloudrun.auth.receiving.jwk-set-uri=" + google.emulator().jwkSetUri(),
					"cloudrun.auth.receiving.allowed-callers=allowed@p.iam.gserviceaccount.com")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(ObservationRegistry.class);
				context.getBean(JwtDecoder.class).decode(google.emulator().idToken(TARGET).sign());
			});
	}

	@Test
	void withoutMicrometerThereIsNoMeterBinder() {
		this.receiving
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class, SimpleMeterRegistry.class, MeterBinder.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(MeterBinder.class));
	}

	@Test
	void receivingHealthCanBeTurnedOff() {
		this.receiving.withPropertyValues("management.health.cloudrun-receiving.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(CloudRunReceivingHealthIndicator.class));
	}

	private static long verifications(MeterRegistry registry, String outcome, String reason) {
		return registry.get(ReceivingObservations.VERIFICATIONS)
			.tags("outcome", outcome, "reason", reason, "error", "none")
			.timer()
			.count();
	}

}
