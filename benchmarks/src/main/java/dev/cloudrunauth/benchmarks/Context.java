package dev.cloudrunauth.benchmarks;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the measurements share: where logs go, the class path of the web app without the starter, and figures one
 * section hands to another.
 */
public final class Context {

	private final Path logDirectory;

	private final List<String> withoutStarterClasspath;

	private final Path classes;

	private final Map<String, Double> values = new ConcurrentHashMap<>();

	Context(Path logDirectory, List<String> withoutStarterClasspath, Path classes) {
		this.logDirectory = logDirectory;
		this.withoutStarterClasspath = withoutStarterClasspath;
		this.classes = classes;
	}

	public Path logDirectory() {
		return this.logDirectory;
	}

	public List<String> withoutStarterClasspath() {
		return this.withoutStarterClasspath;
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
