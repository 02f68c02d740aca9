package dev.cloudrunauth.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import org.jspecify.annotations.Nullable;

/**
 * A Java program in a child process: a main class on the current class path or an
 * executable jar, with its own environment. google-auth-library reads
 * {@code GCE_METADATA_HOST} only from the process environment and caches Application
 * Default Credentials for the life of a JVM, so the metadata-server path is tested in a
 * child JVM.
 */
public final class JavaProcess {

	private final List<String> command = new ArrayList<>();

	private final List<String> jvmArguments = new ArrayList<>();

	private final List<String> arguments = new ArrayList<>();

	private final Map<String, @Nullable String> environment = new LinkedHashMap<>();

	private @Nullable String name;

	private boolean echo;

	private JavaProcess(List<String> launch) {
		this.command.addAll(launch);
	}

	/**
	 * Run a main class from the current JVM's class path.
	 * @param mainClass the class with a {@code main} method
	 * @return a process to configure and start
	 */
	public static JavaProcess mainClass(Class<?> mainClass) {
		return new JavaProcess(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
	}

	/**
	 * Run an executable jar ({@code java -jar}).
	 * @param jar the jar
	 * @return a process to configure and start
	 */
	public static JavaProcess jar(Path jar) {
		if (!Files.isRegularFile(jar)) {
			throw new IllegalArgumentException(
					"No jar at " + jar.toAbsolutePath() + "; build it first (./mvnw package)");
		}
		return new JavaProcess(List.of("-jar", jar.toAbsolutePath().toString()));
	}

	/**
	 * Add program arguments.
	 * @param arguments the arguments
	 * @return this process
	 */
	public JavaProcess arguments(String... arguments) {
		this.arguments.addAll(List.of(arguments));
		return this;
	}

	/**
	 * Add JVM options, such as {@code -Dname=value} or {@code -Xmx256m}.
	 * @param options the options
	 * @return this process
	 */
	public JavaProcess jvmArguments(String... options) {
		this.jvmArguments.addAll(List.of(options));
		return this;
	}

	/**
	 * Set an environment variable of the child process.
	 * @param name the variable
	 * @param value its value
	 * @return this process
	 */
	public JavaProcess env(String name, String value) {
		this.environment.put(name, Objects.requireNonNull(value, "value cannot be null"));
		return this;
	}

	/**
	 * Remove an environment variable inherited from this process.
	 * @param name the variable
	 * @return this process
	 */
	public JavaProcess withoutEnv(String name) {
		this.environment.put(name, null);
		return this;
	}

	/**
	 * Make Application Default Credentials in the child resolve to the emulator's
	 * metadata server, as on Cloud Run: sets {@code GCE_METADATA_HOST} and hides
	 * credentials of the machine the test runs on
	 * ({@code GOOGLE_APPLICATION_CREDENTIALS}, gcloud's configuration directory).
	 * @param emulator the emulator
	 * @return this process
	 */
	public JavaProcess applicationDefaultCredentials(GoogleIdentityEmulator emulator) {
		try {
			Path gcloud = Files.createTempDirectory("cloudrun-auth-empty-gcloud");
			gcloud.toFile().deleteOnExit();
			env("CLOUDSDK_CONFIG", gcloud.toString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		withoutEnv("GOOGLE_APPLICATION_CREDENTIALS");
		withoutEnv("NO_GCE_CHECK");
		return env("GCE_METADATA_HOST", emulator.metadataHost());
	}

	/**
	 * Copy the child's output to this process's standard output, each line prefixed with
	 * the given name.
	 * @param name the prefix
	 * @return this process
	 */
	public JavaProcess echo(String name) {
		this.name = name;
		this.echo = true;
		return this;
	}

	/**
	 * Start the process and wait for it to exit.
	 * @param timeout how long to wait before killing it
	 * @return the exit code and output
	 */
	public Completed run(Duration timeout) {
		try (Running running = start()) {
			if (!running.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException(
						"Process did not exit within " + timeout + "; output:\n" + running.output());
			}
			running.output.drain();
			return new Completed(running.process.exitValue(), running.output());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Start the process.
	 * @return the running process, to be closed
	 */
	public Running start() {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(this.jvmArguments);
		command.addAll(this.command);
		command.addAll(this.arguments);
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		this.environment.forEach((name, value) -> {
			if (value != null) {
				builder.environment().put(name, value);
			}
			else {
				builder.environment().remove(name);
			}
		});
		try {
			Process process = builder.start();
			ChildProcesses.register(process);
			return new Running(process, this.echo ? this.name : null);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start " + command, ex);
		}
	}

	/**
	 * A process that has exited.
	 *
	 * @param exitCode the exit code
	 * @param output standard output and standard error, interleaved
	 */
	public record Completed(int exitCode, String output) {
	}

	/**
	 * A running process; closing it destroys it.
	 */
	public static final class Running implements AutoCloseable {

		private final Process process;

		private final ProcessOutput output;

		private Running(Process process, @Nullable String echoPrefix) {
			this.process = process;
			this.output = new ProcessOutput(process, echoPrefix);
		}

		/**
		 * Wait until the output contains a match of the pattern.
		 * @param pattern a regular expression
		 * @param timeout how long to wait
		 * @return the match
		 * @throws IllegalStateException if the process exits or the timeout passes first
		 */
		public Matcher awaitOutput(Pattern pattern, Duration timeout) {
			return this.output.await(pattern, timeout);
		}

		/**
		 * Return the output so far.
		 * @return standard output and standard error, interleaved
		 */
		public String output() {
			return this.output.toString();
		}

		/**
		 * Return the operating system process.
		 * @return the process
		 */
		public Process process() {
			return this.process;
		}

		/**
		 * Ask the process to stop (SIGTERM) and wait for it to exit.
		 * @param timeout how long to wait before killing it
		 * @return the exit code
		 */
		public int stop(Duration timeout) {
			// Process.destroy() would also close our end of the output pipe, losing what
			// the process prints while
			// it shuts down
			this.process.toHandle().destroy();
			try {
				if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
					this.process.destroyForcibly().waitFor();
				}
				this.output.drain();
				return this.process.exitValue();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

		@Override
		public void close() {
			if (this.process.isAlive()) {
				stop(Duration.ofSeconds(10));
			}
		}

	}

}
