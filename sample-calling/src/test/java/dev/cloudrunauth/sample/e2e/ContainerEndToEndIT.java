package dev.cloudrunauth.sample.e2e;

import java.nio.file.Path;

import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.fail;

/**
 * The end-to-end scenarios with each sample built into an image from its own
 * {@code Dockerfile} and run as a container with host networking. Without Docker each
 * scenario is reported as skipped, with the reason, except under {@code CI=true}, where
 * they must run: {@code .ci/run} installs and starts Docker and builds a local JRE base
 * image when the default cannot be pulled, passed here as {@code BASE_IMAGE}, and fails
 * if they were skipped all the same.
 */
@ExtendWith(DockerRequirement.class)
class ContainerEndToEndIT extends EndToEndScenarios {

	DockerRequirement.Verdict docker = DockerRequirement.Verdict.RUN;

	@Override
	boolean startsServices() {
		return this.docker != DockerRequirement.Verdict.SKIP;
	}

	@Override
	ServiceLauncher launcher() {
		if (this.docker == DockerRequirement.Verdict.FAIL) {
			fail(DockerRequirement.UNAVAILABLE + " Under CI=true they must run.");
		}
		if (this.docker == DockerRequirement.Verdict.SKIP) {
			throw new IllegalStateException("Nothing may be started while every test is skipped");
		}
		return new ContainerLauncher(Path.of(System.getProperty("project.root", "..")), System.getenv("BASE_IMAGE"));
	}

}
