package dev.cloudrunauth.calling;

import java.util.Map;

import com.google.auth.oauth2.ComputeEngineCredentials;
import com.google.auth.oauth2.GoogleCredentials;
import dev.cloudrunauth.test.emulator.EmulatorEndpoint;
import dev.cloudrunauth.test.emulator.EmulatorHttpTransportFactory;
import dev.cloudrunauth.test.emulator.Fault;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.GlobalObservationConvention;
import io.micrometer.observation.Observation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class CloudRunCallingActuatorTests {

	private static final String TARGET = "https://receiving-123456789012.us-central1.run.app";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();

	private final ApplicationContextRunner calling = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CloudRunCallingAutoConfiguration.class,
				CloudRunCallingHealthAutoConfiguration.class, ObservationAutoConfiguration.class,
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
	void mintsAreObservedAsATimerTaggedWithTheTargetAndOutcomeAndCacheLookupsAreCounted() {
		this.calling.run((context) -> {
			IdTokenSource source = context.getBean(IdTokenSource.class);
			source.token(TARGET);
			source.token(TARGET);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("cloudrun.auth.token.mints")
				.tags("target", "receiving", "outcome", "success", "error", "none")
				.timer()
				.count()).isEqualTo(1);
			assertThat(registry.get("cloudrun.auth.token.mints.active")
				.tags("target", "receiving", "outcome", "unknown")
				.longTaskTimer()
				.activeTasks()).isZero();
			assertThat(registry.get("cloudrun.auth.token.cache").tag("result", "hit").functionCounter().count())
				.isEqualTo(1);
			assertThat(registry.get("cloudrun.auth.token.cache").tag("result", "miss").functionCounter().count())
				.isEqualTo(1);
		});
	}

	@Test
	void failedMintsAreMeasured() {
		google.emulator().inject(EmulatorEndpoint.METADATA, Fault.httpStatus(500));
		this.calling.run((context) -> {
			assertThatExceptionOfType(IdTokenUnavailableException.class)
				.isThrownBy(() -> context.getBean(IdTokenSource.class).token(TARGET));
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("cloudrun.auth.token.mints")
				.tags("target", "receiving", "outcome", "failure", "error", "IdTokenUnavailableException")
				.timer()
				.count()).isEqualTo(1);
			assertThat(registry.find("cloudrun.auth.token.mints").tag("outcome", "success").timer()).isNull();
		});
	}

	@Test
	void directUseForAnAudienceOfNoTargetIsTaggedNone() {
		this.calling.run((context) -> {
			context.getBean(IdTokenSource.class).token("https://other-123456789012.us-central1.run.app");
			assertThat(context.getBean(MeterRegistry.class)
				.get("cloudrun.auth.token.mints")
				.tags("target", "none", "outcome", "success")
				.timer()
				.count()).isEqualTo(1);
		});
	}

	@Test
	void aGlobalObservationConventionReplacesTheDefaultOne() {
		this.calling.withBean(GlobalObservationConvention.class, RenamingConvention::new).run((context) -> {
			context.getBean(IdTokenSource.class).token(TARGET);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("mints").tags("ok", "true").timer().count()).isEqualTo(1);
			assertThat(registry.find("cloudrun.auth.token.mints").timer()).isNull();
		});
	}

	@Test
	void theObservationIsTurnedOffByItsName() {
		this.calling.withPropertyValues("management.observations.enable.cloudrun.auth.token.mints=false")
			.run((context) -> {
				context.getBean(IdTokenSource.class).token(TARGET);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.find("cloudrun.auth.token.mints").timer()).isNull();
				assertThat(registry.find("cloudrun.auth.token.cache").functionCounters()).hasSize(2);
			});
	}

	@Test
	void theMetersAreTurnedOffByTheirPrefix() {
		this.calling.withPropertyValues("management.metrics.enable.cloudrun.auth.token=false").run((context) -> {
			context.getBean(IdTokenSource.class).token(TARGET);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("cloudrun.auth.token.mints").meters()).isEmpty();
			assertThat(registry.find("cloudrun.auth.token.cache").meters()).isEmpty();
		});
	}

	@Test
	void withoutAnObservationRegistryMintsAreNotTimedButCacheLookupsAreCounted() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(CloudRunCallingAutoConfiguration.class, MetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withBean(GoogleCredentials.class,
					() -> ComputeEngineCredentials.newBuilder()
						.setHttpTransportFactory(new EmulatorHttpTransportFactory(google.emulator()))
						.build())
			.withPropertyValues("cloudrun.auth.calling.targets.receiving.url=" + TARGET)
			.run((context) -> {
				context.getBean(IdTokenSource.class).token(TARGET);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.find("cloudrun.auth.token.mints").timer()).isNull();
				assertThat(registry.get("cloudrun.auth.token.cache").tag("result", "miss").functionCounter().count())
					.isEqualTo(1);
			});
	}

	@Test
	void healthIndicatorsCanBeTurnedOff() {
		this.calling.withPropertyValues("management.health.cloudrun-calling.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(CloudRunCallingHealthIndicator.class));
	}

	/**
	 * A convention of an application: it can only use what every observation context has,
	 * and the name.
	 */
	static final class RenamingConvention implements GlobalObservationConvention<Observation.Context> {

		@Override
		public String getName() {
			return "mints";
		}

		@Override
		public KeyValues getLowCardinalityKeyValues(Observation.Context context) {
			return KeyValues.of("ok", String.valueOf(context.getError() == null));
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return "cloudrun.auth.token.mints".equals(context.getName());
		}

	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> target(Health health) {
		return (Map<String, Object>) ((Map<String, Object>) health.getDetails().get("targets")).get("receiving");
	}

}
