package dev.cloudrunauth;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Skips a container test class when Docker is not available, with the reason, except
 * under {@code CI=true}, where it must run (and fails): the verdicts of sample-calling's
 * {@code DockerRequirement} for {@code ContainerEndToEndIT}. Decided for the class, as
 * {@code @Testcontainers} starts the containers before the first test.
 */
final class DockerRequirement implements ExecutionCondition {

	static final String UNAVAILABLE = "Docker is not available, so the container tests cannot run. "
			+ "bash .ci/docker-setup installs and starts it (Debian) and builds a JRE base image if "
			+ "eclipse-temurin:17-jre cannot be pulled; see .ci/run for the environment Testcontainers needs where "
			+ "Docker Hub is out of reach (TESTCONTAINERS_RYUK_DISABLED, TESTCONTAINERS_HOST_OVERRIDE, BASE_IMAGE).";

	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		if (dockerAvailable()) {
			return ConditionEvaluationResult.enabled("Docker is available");
		}
		if ("true".equalsIgnoreCase(System.getenv("CI"))) {
			return ConditionEvaluationResult.enabled("Docker is not available, but under CI=true they must run");
		}
		// Maven shows no skip reasons on the console
		System.err.println(context.getDisplayName() + ": SKIPPED: " + UNAVAILABLE);
		return ConditionEvaluationResult.disabled(UNAVAILABLE);
	}

	private static boolean dockerAvailable() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException ex) {
			// Testcontainers throws, rather than answers false, for some broken setups
			return false;
		}
	}

}
