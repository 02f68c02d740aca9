package dev.cloudrunauth.calling;

import java.time.Duration;

import dev.cloudrunauth.test.JavaProcess;
import dev.cloudrunauth.test.LoggedTokens;
import dev.cloudrunauth.test.LoopbackServer;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request bodies are written to the connection as the application produces them, to
 * targets and to other hosts alike: an application whose heap is half the body size
 * streams it with the calling side on.
 */
class StreamingBodyTests {

	private static final int HEAP_MIB = 64;

	private static final int BODY_MIB = 128;

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension(
			(builder) -> builder.serviceAccount("calling@emulator-project.iam.gserviceaccount.com"));

	@Test
	void bodiesLargerThanTheHeapAreStreamedToTargetsAndToOtherHostsByRestClientAndRestTemplate() {
		GoogleIdentityEmulator emulator = google.emulator();
		try (LoopbackServer target = LoopbackServer.start(); LoopbackServer other = LoopbackServer.start()) {
			JavaProcess.Completed child = JavaProcess.mainClass(StreamingCallMain.class)
				.applicationDefaultCredentials(emulator)
				// without its own logging configuration the child would load
				// logback-test.xml and truncate the
				// TRACE log that this JVM writes
				.jvmArguments("-Xmx" + HEAP_MIB + "m", "-XX:+ExitOnOutOfMemoryError",
						"-Dlogback.configurationFile=logback-child-process.xml",
						"-Dorg.springframework.boot.logging.LoggingSystem=none")
				.arguments(target.url() + "/upload", other.url() + "/upload", String.valueOf(BODY_MIB),
						"--cloudrun.auth.calling.targets.receiving.url=" + target.url(),
						"--spring.main.banner-mode=off")
				.run(Duration.ofSeconds(120));
			assertThat(child.exitCode()).as(child.output()).isZero();
			assertThat(LoggedTokens.find(child.output())).isEmpty();
			long size = BODY_MIB * 1024L * 1024L;
			assertThat(target.requests()).hasSize(2).allSatisfy((request) -> {
				assertThat(request.bodyLength()).isEqualTo(size);
				NimbusJwtDecoder.withJwkSetUri(emulator.jwkSetUri())
					.build()
					.decode(request.bearerToken("Authorization"));
			});
			assertThat(other.requests()).hasSize(2).allSatisfy((request) -> {
				assertThat(request.bodyLength()).isEqualTo(size);
				assertThat(request.header("Authorization")).isNull();
			});
		}
	}

}
