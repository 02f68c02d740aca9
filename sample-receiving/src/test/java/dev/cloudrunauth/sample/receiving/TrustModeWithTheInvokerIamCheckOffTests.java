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
 * The sample in trust mode on a service whose invoker IAM check is off
 * ({@code --no-invoker-iam-check}): anyone can reach it and make up a token with its
 * signature "removed", so such tokens are refused and the health is down.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "cloudrun.auth.receiving.trust-cloud-run-iam=true",
				"cloudrun.auth.receiving.allowed-callers=" + TrustModeHostileRequests.CALLER,
				"management.endpoint.health.show-components=always" })
@ContextConfiguration(initializers = TrustModeHostileRequests.OnCloudRun.class)
class TrustModeWithTheInvokerIamCheckOffTests extends TrustModeHostileRequests {

	@BeforeAll
	static void invokerIamCheckOff() {
		google.emulator().cloudRun().setInvokerIamDisabled(true);
	}

	@AfterAll
	static void invokerIamCheckOn() {
		google.emulator().cloudRun().setInvokerIamDisabled(false);
	}

	@BeforeEach
	void checked() {
		// the first check runs in the background once the service has started
		await().atMost(Duration.ofSeconds(10)).until(() -> "off".equals(invokerIamCheck()));
	}

	static Stream<Object[]> cases() {
		return Stream.of(
				hostile("allowed caller's token with its signature removed", 401,
						(emulator) -> bearer(stripped(emulator, CALLER))),
				hostile("outsider's made-up token with its signature removed", 401,
						(emulator) -> bearer(stripped(emulator, OUTSIDER))),
				hostile("made-up removed signature in X-Serverless-Authorization, allowed caller's signed token in "
						+ "Authorization", 401,
						(emulator) -> Map.of("X-Serverless-Authorization", "Bearer " + stripped(emulator, CALLER),
								"Authorization", "Bearer " + signed(emulator, CALLER))),
				hostile("control: allowed caller's signed token", 200, (emulator) -> bearer(signed(emulator, CALLER))),
				hostile("outsider's Google-signed token", 403, (emulator) -> bearer(signed(emulator, OUTSIDER))),
				hostile("health, DOWN while the check is off", 503, (emulator) -> Map.of()));
	}

}
