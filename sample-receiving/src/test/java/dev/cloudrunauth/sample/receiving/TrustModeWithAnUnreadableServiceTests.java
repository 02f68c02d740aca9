package dev.cloudrunauth.sample.receiving;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;

import static org.awaitility.Awaitility.await;

/**
 * The sample in trust mode where the Cloud Run Admin API refuses to describe the service
 * (no {@code run.services.get}): trust goes on as configured, and the allowed callers
 * still apply.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "cloudrun.auth.receiving.trust-cloud-run-iam=true",
				"cloudrun.auth.receiving.allowed-callers=" + TrustModeHostileRequests.CALLER })
@ContextConfiguration(initializers = TrustModeHostileRequests.OnCloudRun.class)
class TrustModeWithAnUnreadableServiceTests extends TrustModeHostileRequests {

	@BeforeAll
	static void permissionDenied() {
		google.emulator().cloudRun().setAdminPermissionDenied(true);
	}

	@AfterAll
	static void permissionGranted() {
		google.emulator().cloudRun().setAdminPermissionDenied(false);
	}

	@BeforeEach
	void checked() {
		// the first check runs in the background once the service has started
		await().atMost(Duration.ofSeconds(10)).until(() -> "unknown".equals(invokerIamCheck()));
	}

	static Stream<Object[]> cases() {
		return Stream.of(
				hostile("control: allowed caller's token with its signature removed", 200,
						(emulator) -> bearer(stripped(emulator, CALLER))),
				hostile("outsider's token with its signature removed", 403,
						(emulator) -> bearer(stripped(emulator, OUTSIDER))),
				hostile("outsider's Google-signed token", 403, (emulator) -> bearer(signed(emulator, OUTSIDER))),
				hostile("health, UP: the setting is unknown, not off", 200, (emulator) -> Map.of()));
	}

}
