package dev.cloudrunauth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shape issue 12 set for the sources: a small public API in the auto-configuration
 * module, and no main source file so long that it holds more than one responsibility
 * (benchmarks aside).
 */
class ProjectShapeTests {

	private static final int MAX_PUBLIC_TYPES = 30;

	private static final int MAX_LINES = 300;

	private static final Pattern PUBLIC_TOP_LEVEL_TYPE = Pattern
		.compile("(?m)^public (?:final |abstract |sealed |non-sealed )*(?:class|interface|enum|record|@interface) ");

	private static final Path ROOT = root();

	@Test
	void theAutoConfigurationModuleHasAtMostThirtyPublicTypes() throws IOException {
		List<Path> publicTypes = javaFiles(ROOT.resolve("autoconfigure/src/main/java")).filter(this::declaresPublicType)
			.map(ROOT::relativize)
			.toList();
		assertThat(publicTypes).as("public top-level types of autoconfigure").isNotEmpty();
		assertThat(publicTypes).as("public top-level types of autoconfigure")
			.hasSizeLessThanOrEqualTo(MAX_PUBLIC_TYPES);
	}

	@Test
	void noMainSourceFileIsLongerThanThreeHundredLines() throws IOException {
		List<String> tooLong = Stream
			.of("autoconfigure", "gateway", "test-support", "sample-calling", "sample-receiving", "starter")
			.flatMap((module) -> javaFiles(ROOT.resolve(module)))
			.filter((file) -> file.toString().contains("/src/main/java/"))
			.filter((file) -> lines(file) > MAX_LINES)
			.map((file) -> ROOT.relativize(file) + " (" + lines(file) + " lines)")
			.toList();
		assertThat(tooLong).as("main source files over %d lines", MAX_LINES).isEmpty();
	}

	private boolean declaresPublicType(Path file) {
		try {
			return PUBLIC_TOP_LEVEL_TYPE.matcher(Files.readString(file, StandardCharsets.UTF_8)).find();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static long lines(Path file) {
		try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
			return lines.count();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Stream<Path> javaFiles(Path dir) {
		if (!Files.isDirectory(dir)) {
			return Stream.empty();
		}
		try (Stream<Path> files = Files.walk(dir)) {
			return files.filter((file) -> file.toString().endsWith(".java"))
				.filter((file) -> !file.toString().contains("/target/"))
				.toList()
				.stream();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Path root() {
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("autoconfigure"))) {
				return dir;
			}
		}
		throw new IllegalStateException("No repository root above " + Path.of("").toAbsolutePath());
	}

}
