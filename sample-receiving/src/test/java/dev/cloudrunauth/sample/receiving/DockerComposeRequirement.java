package dev.cloudrunauth.sample.receiving;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips a test class, with the reason, when Docker or Docker Compose v2 (which Spring
 * Boot's Docker Compose support runs) is not available, except under {@code CI=true},
 * where it must run (and then fails). The calling sample has the same condition for its
 * compose test: the samples share no test code.
 */
final class DockerComposeRequirement implements ExecutionCondition {

	static final String UNAVAILABLE = "Docker or Docker Compose v2 (docker compose) is not available, so the "
			+ "compose profile's test cannot run; bash .ci/docker-setup installs both (Debian).";

	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		if (succeeds("docker", "info") && succeeds("docker", "compose", "version")) {
			return ConditionEvaluationResult.enabled("Docker Compose is available");
		}
		if ("true".equalsIgnoreCase(System.getenv("CI"))) {
			return ConditionEvaluationResult.enabled("Docker Compose is not available, but under CI=true it must run");
		}
		// Maven shows no skip reasons on the console
		System.err.println(context.getDisplayName() + ": SKIPPED: " + UNAVAILABLE);
		return ConditionEvaluationResult.disabled(UNAVAILABLE);
	}

	private static boolean succeeds(String... command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				return false;
			}
			return process.exitValue() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
