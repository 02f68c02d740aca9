package dev.cloudrunauth.sample.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.cloudrunauth.test.JavaProcess;

/**
 * Runs the samples' Spring Boot jars with {@code java -jar}, as Cloud Run runs a
 * container's entry point.
 */
final class ProcessLauncher implements ServiceLauncher {

	private final Path projectDirectory;

	private final boolean echo;

	private final List<String> jvmArguments;

	ProcessLauncher(Path projectDirectory, boolean echo, String... jvmArguments) {
		this.projectDirectory = projectDirectory;
		this.echo = echo;
		this.jvmArguments = List.of(jvmArguments);
	}

	@Override
	public Service start(String sample, Map<String, String> environment, List<String> arguments, List<Path> files) {
		JavaProcess process = JavaProcess.jar(jar(this.projectDirectory, sample))
			.jvmArguments("-Xmx256m", "-XX:TieredStopAtLevel=1")
			.jvmArguments(this.jvmArguments.toArray(String[]::new))
			.arguments(arguments.toArray(String[]::new))
			.withoutEnv("GOOGLE_APPLICATION_CREDENTIALS")
			.withoutEnv("NO_GCE_CHECK")
			.env("CLOUDSDK_CONFIG", emptyDirectory().toString());
		environment.forEach(process::env);
		if (this.echo) {
			process.echo(sample);
		}
		JavaProcess.Running running = process.start();
		Service service = new Service() {

			@Override
			public String awaitOutput(Pattern pattern, Duration timeout) {
				Matcher matcher = running.awaitOutput(pattern, timeout);
				return (matcher.groupCount() > 0) ? matcher.group(1) : matcher.group();
			}

			@Override
			public String output() {
				return running.output();
			}

			@Override
			public void close() {
				running.close();
			}

		};
		return service;
	}

	static Path jar(Path projectDirectory, String sample) {
		Path target = projectDirectory.resolve(sample).resolve("target");
		try (Stream<Path> files = Files.list(target)) {
			return files.filter((file) -> file.getFileName().toString().matches(sample + "-.*\\.jar"))
				.findFirst()
				.orElseThrow();
		}
		catch (Exception ex) {
			throw new IllegalStateException("No jar of " + sample + " in " + target + "; build it first with "
					+ "./mvnw -B -pl " + sample + " -am package -DskipTests", ex);
		}
	}

	private static Path emptyDirectory() {
		try {
			Path directory = Files.createTempDirectory("cloudrun-auth-no-gcloud");
			directory.toFile().deleteOnExit();
			return directory;
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}
