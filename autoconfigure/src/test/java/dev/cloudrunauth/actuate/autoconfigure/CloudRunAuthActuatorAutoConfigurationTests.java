package dev.cloudrunauth.actuate.autoconfigure;

import java.time.Duration;
import java.util.Map;

import com.google.auth.oauth2.ComputeEngineCredentials;
import com.google.auth.oauth2.GoogleCredentials;
import dev.cloudrunauth.actuate.CloudRunAuthMeters;
import dev.cloudrunauth.actuate.CloudRunCallingHealthIndicator;
import dev.cloudrunauth.actuate.CloudRunReceivingHealthIndicator;
import dev.cloudrunauth.calling.IdTokenSource;
import dev.cloudrunauth.calling.IdTokenUnavailableException;
import dev.cloudrunauth.calling.autoconfigure.CloudRunCallingAutoConfiguration;
import dev.cloudrunauth.receiving.AllowedCallersAuthorizationManager;
import dev.cloudrunauth.receiving.SigningKeyCache;
import dev.cloudrunauth.receiving.autoconfigure.CloudRunReceivingAutoConfiguration;
import dev.cloudrunauth.receiving.autoconfigure.CloudRunReceivingServletAutoConfiguration;
import dev.cloudrunauth.test.emulator.EmulatorEndpoint;
import dev.cloudrunauth.test.emulator.EmulatorHttpTransportFactory;
import dev.cloudrunauth.test.emulator.Fault;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import dev.cloudrunauth.test.emulator.ServiceAccount;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class CloudRunAuthActuatorAutoConfigurationTests {

	private static final String TARGET = "https://receiving-123456789012.us-central1.run.app";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();

	private final ApplicationContextRunner calling = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CloudRunCallingAutoConfiguration.class,
				CloudRunAuthHealthAutoConfiguration.class, CloudRunAuthMetricsAutoConfiguration.class,
				MetricsAutoConfiguration.class))
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withBean(EmulatorHttpTransportFactory.class, () -> new EmulatorHttpTransportFactory(google.emulator()))
		.withBean(GoogleCredentials.class,
				() -> ComputeEngineCredentials.newBuilder()
					.setHttpTransportFactory(new EmulatorHttpTransportFactory(google.emulator()))
					.build())
		.withPropertyValues("cloudrun.auth.calling.targets.receiving.url=" + TARGET);

	private final WebApplicationContextRunner receiving = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CloudRunReceivingAutoConfiguration.class,
				CloudRunReceivingServletAutoConfiguration.class, SecurityAutoConfiguration.class,
				ServletWebSecurityAutoConfiguration.class, CloudRunAuthHealthAutoConfiguration.class,
				CloudRunAuthMetricsAutoConfiguration.class, MetricsAutoConfiguration.class))
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withPropertyValues("cloudrun.auth.receiving.audiences=" + TARGET,
				"cloudrun.auth.receiving.jwk-set-uri=" + google.emulator().jwkSetUri(),
				"cloudrun.auth.receiving.allowed-callers=allowed@p.iam.gserviceaccount.com");

	@Test
	void callingHealthReportsEachTargetWithoutMintingAnything() {
		this.calling.run((context) -> {
			CloudRunCallingHealthIndicator indicator = context.getBean(CloudRunCallingHealthIndicator.class);
			Health before = indicator.health(true);
			assertThat(before.getStatus()).isEqualTo(Status.UP);
			assertThat(target(before)).containsEntry("token", "none").containsEntry("audience", TARGET);
			assertThat(google.emulator().requests(EmulatorEndpoint.METADATA)).isZero();
			context.getBean(IdTokenSource.class).token(TARGET);
			Health after = indicator.health(true);
			assertThat(after.getStatus()).isEqualTo(Status.UP);
			assertThat(target(after)).containsEntry("token", "valid").containsKey("expiresAt");
			assertThat(google.emulator().idTokensMinted(TARGET)).isEqualTo(1);
		});
	}

	@Test
	void callingHealthIsDownWhenATargetHasNoTokenAndItsLastMintFailed() {
		google.emulator().inject(EmulatorEndpoint.METADATA, Fault.httpStatus(503));
		this.calling.run((context) -> {
			assertThatExceptionOfType(IdTokenUnavailableException.class)
				.isThrownBy(() -> context.getBean(IdTokenSource.class).token(TARGET));
			Health health = context.getBean(CloudRunCallingHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(target(health)).containsEntry("token", "none").containsKey("lastError");
			assertThat((String) target(health).get("lastError")).contains("503");
		});
	}

	@Test
	void mintsAndCacheLookupsAreMeasured() {
		this.calling.run((context) -> {
			IdTokenSource source = context.getBean(IdTokenSource.class);
			source.token(TARGET);
			source.token(TARGET);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get(CloudRunAuthMeters.MINTS).tags("target", "receiving", "outcome", "success")
				.timer()
				.count()).isEqualTo(1);
			assertThat(registry.get(CloudRunAuthMeters.TOKEN_CACHE).tag("result", "hit").functionCounter().count())
				.isEqualTo(1);
			assertThat(registry.get(CloudRunAuthMeters.TOKEN_CACHE).tag("result", "miss").functionCounter().count())
				.isEqualTo(1);
		});
	}

	@Test
	void failedMintsAreMeasured() {
		google.emulator().inject(EmulatorEndpoint.METADATA, Fault.httpStatus(500));
		this.calling.run((context) -> {
			assertThatExceptionOfType(IdTokenUnavailableException.class)
				.isThrownBy(() -> context.getBean(IdTokenSource.class).token(TARGET));
			await().atMost(Duration.ofSeconds(5))
				.until(() -> context.getBean(MeterRegistry.class)
					.find(CloudRunAuthMeters.MINTS)
					.tags("target", "receiving", "outcome", "failure")
					.timer() != null);
		});
	}

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
	void verificationsAreCountedByOutcomeAndReason() {
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
			assertThat(count(registry, "accepted", "none")).isEqualTo(1);
			assertThat(count(registry, "rejected", "audience")).isEqualTo(1);
			assertThat(count(registry, "rejected", "malformed")).isEqualTo(1);
			assertThat(count(registry, "rejected", "caller_not_allowed")).isEqualTo(1);
			assertThat(registry.get(CloudRunAuthMeters.JWKS_FETCHES).tag("outcome", "success").functionCounter()
				.count()).isGreaterThanOrEqualTo(1);
		});
	}

	@Test
	void withoutMicrometerThereAreNoMeters() {
		this.receiving.withClassLoader(new FilteredClassLoader(MeterRegistry.class, SimpleMeterRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(dev.cloudrunauth.receiving.VerificationListener.class));
	}

	@Test
	void healthIndicatorsCanBeTurnedOff() {
		this.calling.withPropertyValues("management.health.cloudrun-calling.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(CloudRunCallingHealthIndicator.class));
	}

	private static double count(MeterRegistry registry, String outcome, String reason) {
		return registry.get(CloudRunAuthMeters.VERIFICATIONS).tags("outcome", outcome, "reason", reason).counter()
			.count();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> target(Health health) {
		return (Map<String, Object>) ((Map<String, Object>) health.getDetails().get("targets")).get("receiving");
	}

}
