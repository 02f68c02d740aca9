package dev.cloudrunauth.sample.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The end-to-end scenarios with the samples' jars run by {@code java -jar}, the calling
 * one with {@code GCE_METADATA_HOST} pointing at the emulator, exactly as on Cloud Run.
 */
class ProcessEndToEndIT extends EndToEndScenarios {

	private static final Path PROJECT = Path.of(System.getProperty("project.root", ".."));

	@Override
	ServiceLauncher launcher() {
		return new ProcessLauncher(PROJECT, false);
	}

	@Test
	void callingServicesJarHoldsNeitherSpringSecurityNorNimbus() throws IOException {
		List<String> libraries;
		try (JarFile jar = new JarFile(ProcessLauncher.jar(PROJECT, "sample-calling").toFile())) {
			libraries = jar.stream()
				.map(JarEntry::getName)
				.filter((name) -> name.startsWith("BOOT-INF/lib/"))
				.map((name) -> name.substring("BOOT-INF/lib/".length()))
				.toList();
		}
		assertThat(libraries).anyMatch((name) -> name.startsWith("cloudrun-auth-spring-boot-autoconfigure-"))
			.anyMatch((name) -> name.startsWith("google-auth-library-oauth2-http-"))
			.noneMatch((name) -> name.startsWith("spring-security-"))
			.noneMatch((name) -> name.startsWith("nimbus-jose-jwt-"));
	}

}
