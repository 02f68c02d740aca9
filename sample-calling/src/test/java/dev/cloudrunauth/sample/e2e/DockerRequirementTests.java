package dev.cloudrunauth.sample.e2e;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * {@link ContainerEndToEndIT} without Docker, run by a JUnit engine of its own with the
 * detection overridden.
 */
class DockerRequirementTests {

	private static final long SCENARIOS = Arrays.stream(EndToEndScenarios.class.getDeclaredMethods())
		.filter((method) -> method.isAnnotationPresent(Test.class))
		.count();

	@Test
	void withoutDockerEachScenarioIsReportedSkippedWithTheReasonAndNothingIsStarted() {
		EngineExecutionResults results = runWithoutDocker(false);
		assertThat(SCENARIOS).isPositive();
		results.testEvents().assertStatistics((stats) -> stats.skipped(SCENARIOS).started(0));
		assertThat(results.testEvents().skipped().stream().map(Event::getPayload))
			.allSatisfy((reason) -> assertThat(reason)
				.hasValueSatisfying((value) -> assertThat(value.toString()).startsWith("Docker is not available")));
		// launcher() throws if @BeforeAll calls it while the tests are skipped
		results.containerEvents().assertStatistics((stats) -> stats.failed(0).aborted(0));
	}

	@Test
	void withoutDockerUnderCiTheScenariosFailRatherThanSkip() {
		EngineExecutionResults results = runWithoutDocker(true);
		results.testEvents().assertStatistics((stats) -> stats.skipped(0).succeeded(0));
		assertThat(results.containerEvents().failed().stream()).anySatisfy((event) -> assertThat(
				event.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable))
			.hasValueSatisfying((thrown) -> assertThat(thrown).hasMessageContaining("Under CI=true they must run")));
	}

	private static EngineExecutionResults runWithoutDocker(boolean ci) {
		return EngineTestKit.engine("junit-jupiter")
			.selectors(selectClass(ContainerEndToEndIT.class))
			.configurationParameter(DockerRequirement.DOCKER_PARAMETER, "unavailable")
			.configurationParameter(DockerRequirement.CI_PARAMETER, String.valueOf(ci))
			.execute();
	}

}
