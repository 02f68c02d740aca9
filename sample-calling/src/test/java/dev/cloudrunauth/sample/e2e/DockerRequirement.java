package dev.cloudrunauth.sample.e2e;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.testcontainers.DockerClientFactory;

/**
 * Skips each test of {@link ContainerEndToEndIT} when Docker is not available, with the
 * reason, so that the build reports every scenario as skipped rather than none at all (a
 * class aborted in {@code @BeforeAll} is reported as zero tests); under {@code CI=true}
 * they run, and fail. Tells the test instance the verdict before its {@code @BeforeAll}
 * runs, so that it starts nothing it would not use.
 */
final class DockerRequirement implements ExecutionCondition, TestInstancePostProcessor {

	/**
	 * Configuration parameter that overrides the detection of Docker ({@code available}
	 * or {@code unavailable}), for tests of this condition.
	 */
	static final String DOCKER_PARAMETER = "cloudrun.e2e.docker";

	/**
	 * Configuration parameter that overrides the {@code CI} environment variable
	 * ({@code true} or {@code false}), for tests of this condition.
	 */
	static final String CI_PARAMETER = "cloudrun.e2e.ci";

	static final String UNAVAILABLE = "Docker is not available, so the container end-to-end tests cannot run. "
			+ "bash .ci/docker-setup installs and starts it (Debian) and builds a JRE base image if "
			+ "eclipse-temurin:17-jre cannot be pulled; see .ci/run for the environment Testcontainers needs where "
			+ "Docker Hub is out of reach (TESTCONTAINERS_RYUK_DISABLED, TESTCONTAINERS_HOST_OVERRIDE, BASE_IMAGE).";

	private static volatile Boolean detected;

	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		Verdict verdict = verdict(context);
		if (context.getTestMethod().isEmpty()) {
			if (verdict == Verdict.SKIP) {
				// Maven shows no skip reasons on the console
				System.err.println(context.getDisplayName() + ": every test SKIPPED: " + UNAVAILABLE);
			}
			return ConditionEvaluationResult.enabled("Docker is checked for each test");
		}
		return (verdict != Verdict.SKIP) ? ConditionEvaluationResult.enabled(verdict.name())
				: ConditionEvaluationResult.disabled(UNAVAILABLE);
	}

	@Override
	public void postProcessTestInstance(Object testInstance, ExtensionContext context) {
		((ContainerEndToEndIT) testInstance).docker = verdict(context);
	}

	private static Verdict verdict(ExtensionContext context) {
		boolean available = context.getConfigurationParameter(DOCKER_PARAMETER)
			.map("available"::equals)
			.orElseGet(DockerRequirement::dockerAvailable);
		if (available) {
			return Verdict.RUN;
		}
		boolean ci = context.getConfigurationParameter(CI_PARAMETER)
			.map(Boolean::parseBoolean)
			.orElseGet(() -> "true".equalsIgnoreCase(System.getenv("CI")));
		return ci ? Verdict.FAIL : Verdict.SKIP;
	}

	private static boolean dockerAvailable() {
		Boolean available = detected;
		if (available == null) {
			try {
				available = DockerClientFactory.instance().isDockerAvailable();
			}
			catch (RuntimeException ex) {
				// Testcontainers throws, rather than answers false, for some broken
				// setups (no bridge network)
				available = false;
			}
			detected = available;
		}
		return available;
	}

	/**
	 * What the tests do.
	 */
	enum Verdict {

		/**
		 * Docker is available: start the containers and run.
		 */
		RUN,

		/**
		 * Docker is not available: start nothing, skip each test.
		 */
		SKIP,

		/**
		 * Docker is not available under {@code CI=true}: fail.
		 */
		FAIL

	}

}
