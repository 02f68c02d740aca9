package dev.cloudrunauth.benchmarks.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Java main class in a fresh JVM, bounded in time (a watchdog kills it), and
 * returns what it printed. The child gets no {@code GOOGLE_APPLICATION_CREDENTIALS}, no
 * {@code K_SERVICE} and no {@code JAVA_TOOL_OPTIONS} of the harness, and whatever
 * environment the caller adds (such as {@code GCE_METADATA_HOST} = an emulator).
 */
public final class ChildJvm {

	private final List<String> jvmOptions = new ArrayList<>();

	private final String classpath;

	private final String mainClass;

	private final List<String> arguments = new ArrayList<>();

	private final Map<String, String> environment = new LinkedHashMap<>();

	private Duration timeout = Duration.ofSeconds(90);

	public ChildJvm(String classpath, String mainClass) {
		this.classpath = classpath;
		this.mainClass = mainClass;
	}

	public ChildJvm jvmOptions(List<String> options) {
		this.jvmOptions.addAll(options);
		return this;
	}

	public ChildJvm arguments(List<String> arguments) {
		this.arguments.addAll(arguments);
		return this;
	}

	public ChildJvm environment(String name, String value) {
		this.environment.put(name, value);
		return this;
	}

	public ChildJvm timeout(Duration timeout) {
		this.timeout = timeout;
		return this;
	}

	/**
	 * What the child printed (standard output and error, merged) and how it ended.
	 *
	 * @param lines the lines it printed
	 * @param exitCode its exit code, or -1 if the watchdog killed it
	 */
	public record Result(List<String> lines, int exitCode) {

		/**
		 * Return the last line that starts with a prefix, without it.
		 * @param prefix such as {@code "STARTUP "}
		 * @return the rest of the line, or {@code null}
		 */
		public String line(String prefix) {
			String found = null;
			for (String line : this.lines) {
				int at = line.indexOf(prefix);
				if (at >= 0) {
					found = line.substring(at + prefix.length());
				}
			}
			return found;
		}

		public String output() {
			return String.join("\n", this.lines);
		}

	}

	public Result run() {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(this.jvmOptions);
		command.addAll(List.of("-cp", this.classpath, this.mainClass));
		command.addAll(this.arguments);
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().remove("GOOGLE_APPLICATION_CREDENTIALS");
		builder.environment().remove("K_SERVICE");
		builder.environment().remove("JAVA_TOOL_OPTIONS");
		builder.environment().putAll(this.environment);
		Process process;
		try {
			process = builder.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		Thread watchdog = new Thread(() -> {
			try {
				if (!process.waitFor(this.timeout.toMillis(), TimeUnit.MILLISECONDS)) {
					process.destroyForcibly();
				}
			}
			catch (InterruptedException ex) {
				process.destroyForcibly();
			}
		}, "child-jvm-watchdog");
		watchdog.setDaemon(true);
		watchdog.start();
		List<String> lines = new ArrayList<>();
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				lines.add(line);
			}
			if (!process.waitFor(this.timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
			}
		}
		catch (IOException ex) {
			process.destroyForcibly();
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			process.destroyForcibly();
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		int exit = process.isAlive() ? -1 : process.exitValue();
		return new Result(lines, exit);
	}

}
