package dev.cloudrunauth;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips a test class when Docker Compose v2 ({@code docker compose}, which Spring Boot's
 * Docker Compose support needs) is not available, with the reason, except under
 * {@code CI=true}, where it must run (and fails), as {@link DockerRequirement} does for
 * Docker.
 */
final class DockerComposeRequirement implements ExecutionCondition {

	static final String UNAVAILABLE = "Docker Compose v2 (docker compose) is not available, so the Docker Compose "
			+ "tests cannot run; bash .ci/docker-setup installs it (Debian) along with Docker.";

	@Override
	public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
		if (composeAvailable()) {
			return ConditionEvaluationResult.enabled("Docker Compose is available");
		}
		if ("true".equalsIgnoreCase(System.getenv("CI"))) {
			return ConditionEvaluationResult.enabled("Docker Compose is not available, but under CI=true it must run");
		}
		System.err.println(context.getDisplayName() + ": SKIPPED: " + UNAVAILABLE);
		return ConditionEvaluationResult.disabled(UNAVAILABLE);
	}

	private static boolean composeAvailable() {
		try {
			Process process = new ProcessBuilder("docker", "compose", "version").redirectErrorStream(true)
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
