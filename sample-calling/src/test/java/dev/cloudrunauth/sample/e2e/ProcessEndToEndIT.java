package dev.cloudrunauth.sample.e2e;

import java.nio.file.Path;

/**
 * The end-to-end scenarios with the samples' jars run by {@code java -jar}, the calling one with
 * {@code GCE_METADATA_HOST} pointing at the emulator, exactly as on Cloud Run.
 */
class ProcessEndToEndIT extends EndToEndScenarios {

	@Override
	ServiceLauncher launcher() {
		return new ProcessLauncher(Path.of(System.getProperty("project.root", "..")), false);
	}

}
