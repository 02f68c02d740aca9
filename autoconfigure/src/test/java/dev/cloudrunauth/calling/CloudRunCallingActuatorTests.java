package dev.cloudrunauth.calling;

import java.time.Duration;
import java.util.Map;

import com.google.auth.oauth2.ComputeEngineCredentials;
import com.google.auth.oauth2.GoogleCredentials;
import dev.cloudrunauth.test.emulator.EmulatorEndpoint;
import dev.cloudrunauth.test.emulator.EmulatorHttpTransportFactory;
import dev.cloudrunauth.test.emulator.Fault;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class CloudRunCallingActuatorTests {

	private static final String TARGET = "https://receiving-123456789012.us-central1.run.app";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();

	private final ApplicationContextRunner calling = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CloudRunCallingAutoConfiguration.class,
				CloudRunCallingHealthAutoConfiguration.class, CloudRunCallingMetricsAutoConfiguration.class,
				MetricsAutoConfiguration.class))
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withBean(EmulatorHttpTransportFactory.class, () -> new EmulatorHttpTransportFactory(google.emulator()))
		.withBean(GoogleCredentials.class,
				() -> ComputeEngineCredentials.newBuilder()
					.setHttpTransportFactory(new EmulatorHttpTransportFactory(google.emulator()))
					.build())
		.withPropertyValues("cloudrun.auth.calling.targets.receiving.url=" + TARGET);

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
			assertThat(registry.get(CallingMeters.MINTS).tags("target", "receiving", "outcome", "success")
				.timer()
				.count()).isEqualTo(1);
			assertThat(registry.get(CallingMeters.TOKEN_CACHE).tag("result", "hit").functionCounter().count())
				.isEqualTo(1);
			assertThat(registry.get(CallingMeters.TOKEN_CACHE).tag("result", "miss").functionCounter().count())
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
					.find(CallingMeters.MINTS)
					.tags("target", "receiving", "outcome", "failure")
					.timer() != null);
		});
	}

	@Test
	void healthIndicatorsCanBeTurnedOff() {
		this.calling.withPropertyValues("management.health.cloudrun-calling.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(CloudRunCallingHealthIndicator.class));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> target(Health health) {
		return (Map<String, Object>) ((Map<String, Object>) health.getDetails().get("targets")).get("receiving");
	}

}
