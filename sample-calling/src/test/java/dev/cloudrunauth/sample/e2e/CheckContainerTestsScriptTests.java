package dev.cloudrunauth.sample.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code .ci/check-container-tests}, which makes {@code .ci/run} fail when the container
 * end-to-end tests did not really run, on failsafe reports of each kind.
 */
class CheckContainerTestsScriptTests {

	private static final Path SCRIPT = Path.of(System.getProperty("project.root", ".."), ".ci",
			"check-container-tests");

	@TempDir
	Path dir;

	@Test
	void reportOfNineTestsRunPasses() throws Exception {
		Result result = check(report(9, 0));
		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(result.output()).contains("9 in ContainerEndToEndIT, none skipped");
	}

	@Test
	void reportOfSkippedTestsFailsWithOneLine() throws Exception {
		Result result = check(report(9, 9));
		assertThat(result.exitCode()).isEqualTo(1);
		assertThat(result.output().lines()).singleElement()
			.asString()
			.contains("FAILED")
			.contains("skipped 9 of 9 tests");
	}

	@Test
	void reportOfNoTestFails() throws Exception {
		Result result = check(report(0, 0));
		assertThat(result.exitCode()).isEqualTo(1);
		assertThat(result.output()).contains("ran no test");
	}

	@Test
	void missingReportFails() throws Exception {
		Result result = check(this.dir.resolve("TEST-dev.cloudrunauth.sample.e2e.ContainerEndToEndIT.xml"));
		assertThat(result.exitCode()).isEqualTo(1);
		assertThat(result.output()).contains("no report").contains("did not run");
	}

	private Path report(int tests, int skipped) throws IOException {
		// the start tag as failsafe writes it, on one line; a property whose text looks
		// like the counts comes next
		StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
			.append("<testsuite xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:noNamespaceSchemaLocation=")
			.append("\"https://maven.apache.org/surefire/maven-failsafe-plugin/xsd/failsafe-test-report.xsd\" ")
			.append("version=\"3.0.2\" name=\"dev.cloudrunauth.sample.e2e.ContainerEndToEndIT\" time=\"1.5\" ")
			.append("tests=\"" + tests + "\" errors=\"0\" skipped=\"" + skipped + "\" failures=\"0\" flakes=\"0\">\n")
			.append("  <properties>\n")
			.append("    <property name=\"tests=&quot;1&quot;\" value=\"skipped=&quot;0&quot;\"/>\n")
			.append("  </properties>\n");
		for (int i = 0; i < tests; i++) {
			xml.append("  <testcase name=\"scenario" + i + "\" classname=\"ContainerEndToEndIT\" time=\"0\"");
			xml.append(
					(i < skipped) ? ">\n    <skipped message=\"Docker is not available\"/>\n  </testcase>\n" : "/>\n");
		}
		xml.append("</testsuite>\n");
		return Files.writeString(this.dir.resolve("report.xml"), xml, StandardCharsets.UTF_8);
	}

	private Result check(Path report) throws Exception {
		Process process = new ProcessBuilder("bash", SCRIPT.toString(), report.toString()).redirectErrorStream(true)
			.start();
		process.getOutputStream().close();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		return new Result(process.exitValue(), output);
	}

	private record Result(int exitCode, String output) {
	}

}
