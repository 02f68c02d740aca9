package dev.cloudrunauth.sample.e2e;

import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;

import static org.assertj.core.api.Assertions.fail;

/**
 * The end-to-end scenarios with each sample built into an image from its own {@code Dockerfile} and run as a
 * container with host networking. Without Docker these tests are skipped, except under {@code CI=true}, where they
 * must run: {@code .ci/run} installs and starts Docker and builds a local JRE base image when the default cannot be
 * pulled, passed here as {@code BASE_IMAGE}.
 */
class ContainerEndToEndIT extends EndToEndScenarios {

	@Override
	ServiceLauncher launcher() {
		if (!dockerAvailable()) {
			String message = "Docker is not available, so the container end-to-end tests cannot run. "
					+ "bash .ci/docker-setup installs and starts it (Debian) and builds a JRE base image if "
					+ "eclipse-temurin:17-jre cannot be pulled; see .ci/run for the environment Testcontainers "
					+ "needs where Docker Hub is out of reach (TESTCONTAINERS_RYUK_DISABLED, "
					+ "TESTCONTAINERS_HOST_OVERRIDE, BASE_IMAGE).";
			if ("true".equalsIgnoreCase(System.getenv("CI"))) {
				fail(message + " Under CI=true they must run.");
			}
			// Maven reports a class aborted before its first test as zero tests, without the reason
			System.err.println("ContainerEndToEndIT SKIPPED: " + message);
			Assumptions.abort(message);
		}
		return new ContainerLauncher(Path.of(System.getProperty("project.root", "..")), System.getenv("BASE_IMAGE"));
	}

	private static boolean dockerAvailable() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException ex) {
			// Testcontainers throws, rather than answers false, for some broken setups (no bridge network)
			return false;
		}
	}

}
