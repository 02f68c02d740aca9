package dev.cloudrunauth.benchmarks;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the measurements share: where logs go, the class paths of the apps started in
 * child JVMs, and figures one section hands to another.
 */
public final class Context {

	private final Path logDirectory;

	private final Path classpaths;

	private final Path classes;

	private final Map<String, Double> values = new ConcurrentHashMap<>();

	Context(Path logDirectory, Path classpaths, Path classes) {
		this.logDirectory = logDirectory;
		this.classpaths = classpaths;
		this.classes = classes;
	}

	public Path logDirectory() {
		return this.logDirectory;
	}

	/**
	 * Return the class path of an app in a child JVM: this module's classes, then the
	 * jars that Maven resolved for the named modules of {@code benchmarks/classpaths}
	 * (each writes {@code target/app.classpath}), in that order.
	 * @param modules the modules, such as {@code plain}, {@code calling},
	 * {@code receiving}
	 * @return the class path
	 */
	public String appClasspath(String... modules) {
		List<String> entries = new ArrayList<>();
		entries.add(this.classes.toString());
		for (String module : modules) {
			Path file = this.classpaths.resolve(module).resolve("target").resolve("app.classpath");
			try {
				Arrays.stream(Files.readString(file).trim().split(File.pathSeparator))
					.filter((entry) -> !entry.isBlank() && !entries.contains(entry))
					.forEach(entries::add);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("No class path for '" + module + "' (build with -am): " + file, ex);
			}
		}
		return String.join(File.pathSeparator, entries);
	}

	public Path classes() {
		return this.classes;
	}

	public void put(String name, double value) {
		this.values.put(name, value);
	}

	public Double get(String name) {
		return this.values.get(name);
	}

}
