package dev.cloudrunauth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.cloudrunauth.test.LoggedTokens;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs after every unit test of this module (failsafe runs after surefire), whose
 * scenarios minted, sent, verified and rejected tokens of every kind with the library,
 * Spring Security and google-auth-library logging at TRACE; and after the integration
 * tests that run before it, which log to a file of their own.
 */
class NoTokenInTestLogsIT {

	@Test
	void noTokenValueAppearsInTheTraceLogsOfTheTestSuite() throws IOException {
		Path log = Path.of("target/test-logs/trace.log");
		assertThat(log).as("the unit tests' TRACE log (run the unit tests first)").exists();
		String content = Files.readString(log);
		assertThat(content).as("proof that TRACE logging of the scenarios was captured")
			.contains("TRACE")
			.contains("Minted ID token for audience")
			.contains("Rejected ID token: expired")
			.contains("Rejected ID token: signature")
			.contains("Cannot mint ID token");
		assertThat(LoggedTokens.find(content)).as("token values in %s", log.toAbsolutePath()).isEmpty();
	}

	@Test
	void noTokenValueAppearsInTheTraceLogsOfTheIntegrationTestsBeforeThisOne() throws IOException {
		// GoogleIdentityEmulatorContainerIT runs first, in this JVM, when Docker is
		// available
		Path log = Path.of("target/test-logs/it-trace.log");
		String content = Files.exists(log) ? Files.readString(log) : "";
		assertThat(LoggedTokens.find(content)).as("token values in %s", log.toAbsolutePath()).isEmpty();
	}

}
