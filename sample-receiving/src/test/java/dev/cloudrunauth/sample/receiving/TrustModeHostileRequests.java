package dev.cloudrunauth.sample.receiving;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import dev.cloudrunauth.test.emulator.ServiceAccount;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile requests against the sample in trust mode on Cloud Run ({@code K_SERVICE} in
 * the process environment), with what the Cloud Run Admin API says of its invoker IAM
 * check: each subclass is one outcome. Every case asserts its status, that no token or
 * segment of one is echoed, and the challenge of a 401 or 403; each subclass lists its
 * cases in a static {@code cases()}.
 */
abstract class TrustModeHostileRequests {

	static final String AUDIENCE = "https://receiving-123456789012.us-central1.run.app";

	static final String CALLER = "calling@demo.iam.gserviceaccount.com";

	static final String OUTSIDER = "attacker@evil-project.iam.gserviceaccount.com";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension(
			(builder) -> builder.serviceAccount(CALLER));

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@LocalServerPort
	int port;

	@Autowired
	@Qualifier("cloudRunReceivingHealthIndicator")
	HealthIndicator receivingHealth;

	/**
	 * What the receiving health contributor knows of the invoker IAM check: checking, on,
	 * off or unknown.
	 */
	String invokerIamCheck() {
		return (String) this.receivingHealth.health(true).getDetails().get("invokerIamCheck");
	}

	@DynamicPropertySource
	static void emulator(DynamicPropertyRegistry registry) {
		registry.add("cloudrun.auth.receiving.jwk-set-uri", () -> google.emulator().jwkSetUri());
		registry.add("cloudrun.auth.receiving.cloud-run-api-uri", () -> google.emulator().cloudRun().apiUri());
		registry.add("cloudrun.auth.receiving.audiences", () -> AUDIENCE);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void hostileRequest(String name, int expected, Function<GoogleIdentityEmulator, Map<String, String>> headers)
			throws Exception {
		Map<String, String> sent = headers.apply(google.emulator());
		String path = name.startsWith("health") ? "/actuator/health" : "/hello";
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(20));
		sent.forEach(request::header);
		HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(name).isEqualTo(expected);
		String everything = response.headers().map() + response.body();
		for (String value : sent.values()) {
			for (String segment : value.substring("Bearer ".length()).split("\\.")) {
				assertThat(everything).as("response to %s echoes the token", name).doesNotContain(segment);
			}
		}
		if (expected == 401) {
			assertThat(response.headers().firstValue("WWW-Authenticate")).as(name)
				.hasValueSatisfying((value) -> assertThat(value).startsWith("Bearer error=\"invalid_token\""));
		}
		if (expected == 403) {
			assertThat(response.headers().firstValue("WWW-Authenticate")).as(name)
				.hasValueSatisfying((value) -> assertThat(value).contains("insufficient_scope"));
		}
	}

	static Map<String, String> bearer(String token) {
		return Map.of("Authorization", "Bearer " + token);
	}

	static String stripped(GoogleIdentityEmulator emulator, String caller) {
		return emulator.idToken(AUDIENCE).serviceAccount(ServiceAccount.of(caller)).signWithSignatureRemovedByGoogle();
	}

	static String signed(GoogleIdentityEmulator emulator, String caller) {
		return emulator.idToken(AUDIENCE).serviceAccount(ServiceAccount.of(caller)).sign();
	}

	static Object[] hostile(String name, int expected, Function<GoogleIdentityEmulator, Map<String, String>> headers) {
		return new Object[] { name, expected, headers };
	}

	/**
	 * Puts {@code K_SERVICE} and {@code GCE_METADATA_HOST} in the context's process
	 * environment, as on Cloud Run with the emulator as metadata server.
	 */
	static class OnCloudRun implements ApplicationContextInitializer<ConfigurableApplicationContext> {

		@Override
		public void initialize(ConfigurableApplicationContext context) {
			Map<String, Object> environment = new HashMap<>(System.getenv());
			environment.put("K_SERVICE", "receiving");
			environment.put("GCE_METADATA_HOST", google.emulator().metadataHost());
			context.getEnvironment()
				.getPropertySources()
				.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
								environment));
		}

	}

}
