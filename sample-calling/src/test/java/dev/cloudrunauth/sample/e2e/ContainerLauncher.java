package dev.cloudrunauth.sample.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.utility.MountableFile;

/**
 * Runs the samples as containers built from their own {@code Dockerfile}s, with host
 * networking so that they reach, and are reached on, 127.0.0.1. The base image is the
 * Dockerfile's default unless {@code BASE_IMAGE} names another.
 */
final class ContainerLauncher implements ServiceLauncher {

	private final Path projectDirectory;

	private final String baseImage;

	private final Map<String, ImageFromDockerfile> images = new ConcurrentHashMap<>();

	ContainerLauncher(Path projectDirectory, String baseImage) {
		this.projectDirectory = projectDirectory;
		this.baseImage = baseImage;
	}

	@Override
	public Service start(String sample, Map<String, String> environment, List<String> arguments, List<Path> files) {
		GenericContainer<?> container = new GenericContainer<>(image(sample)).withNetworkMode("host")
			.withEnv(environment)
			.withCommand(arguments.toArray(String[]::new))
			.withStartupTimeout(Duration.ofSeconds(120));
		for (Path file : files) {
			container.withCopyFileToContainer(MountableFile.forHostPath(file, 0644), file.toString());
		}
		container.start();
		return new Service() {

			@Override
			public String awaitOutput(Pattern pattern, Duration timeout) {
				long deadline = System.nanoTime() + timeout.toNanos();
				while (true) {
					Matcher matcher = pattern.matcher(container.getLogs());
					if (matcher.find()) {
						return (matcher.groupCount() > 0) ? matcher.group(1) : matcher.group();
					}
					if (System.nanoTime() > deadline || !container.isRunning()) {
						throw new IllegalStateException("No output matching '" + pattern + "' from " + sample
								+ " within " + timeout + "; output:\n" + container.getLogs());
					}
					sleep();
				}
			}

			@Override
			public String output() {
				return container.getLogs();
			}

			@Override
			public void close() {
				container.stop();
			}

		};
	}

	private ImageFromDockerfile image(String sample) {
		return this.images.computeIfAbsent(sample, (name) -> {
			Path directory = this.projectDirectory.resolve(name);
			ImageFromDockerfile image = new ImageFromDockerfile("cloudrun-auth/" + name + "-e2e", true)
				.withFileFromPath("Dockerfile", directory.resolve("Dockerfile"))
				.withFileFromPath(".dockerignore", directory.resolve(".dockerignore"))
				.withFileFromPath("target/" + ProcessLauncher.jar(this.projectDirectory, name).getFileName(),
						ProcessLauncher.jar(this.projectDirectory, name));
			if (this.baseImage != null) {
				image.withBuildArg("BASE_IMAGE", this.baseImage);
			}
			return image;
		});
	}

	private static void sleep() {
		try {
			Thread.sleep(200);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
