package dev.cloudrunauth.test.emulator;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.cloudrunauth.test.JavaProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The standalone emulator jar, as a user runs it.
 */
class EmulatorJarIT {

	private static final String AUDIENCE = "https://receiving-123456789012.us-central1.run.app";

	private static final Pattern PRINTED_PORT = Pattern.compile("^  [A-Za-z ]+: +http://127\\.0\\.0\\.1:(\\d+)",
			Pattern.MULTILINE);

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void standaloneEmulatorServesAVerifiableTokenAndStopsCleanly() throws Exception {
		try (JavaProcess.Running emulator = JavaProcess.jar(jar())
			.arguments("--port", "0", "--service-account", "calling@demo.iam.gserviceaccount.com")
			.start()) {
			emulator.awaitOutput(Pattern.compile("Press Ctrl-C to stop\\."), Duration.ofSeconds(30));
			Matcher metadata = emulator.awaitOutput(Pattern.compile("export GCE_METADATA_HOST=(127\\.0\\.0\\.1:\\d+)"),
					Duration.ZERO);
			Matcher jwks = emulator.awaitOutput(Pattern.compile("JWKS: +(http://\\S+)"), Duration.ZERO);
			assertThat(printedPorts(emulator.output())).as("--port 0: five free ports, printed")
				.hasSize(5)
				.doesNotHaveDuplicates()
				.allSatisfy((port) -> assertThat(port).isPositive());

			HttpResponse<String> token = this.http.send(
					HttpRequest.newBuilder(URI.create("http://" + metadata.group(1)
							+ "/computeMetadata/v1/instance/service-accounts/default/identity?format=full&audience="
							+ AUDIENCE))
						.header("Metadata-Flavor", "Google")
						.build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(token.statusCode()).isEqualTo(200);
			SignedJWT jwt = SignedJWT.parse(token.body());
			JWKSet keys = JWKSet.parse(this.http
				.send(HttpRequest.newBuilder(URI.create(jwks.group(1))).build(), HttpResponse.BodyHandlers.ofString())
				.body());
			RSAKey key = (RSAKey) keys.getKeyByKeyId(jwt.getHeader().getKeyID());
			assertThat(jwt.verify(new RSASSAVerifier(key))).isTrue();
			JWTClaimsSet claims = jwt.getJWTClaimsSet();
			assertThat(claims.getIssuer()).isEqualTo("https://accounts.google.com");
			assertThat(claims.getAudience()).containsExactly(AUDIENCE);
			assertThat(claims.getStringClaim("email")).isEqualTo("calling@demo.iam.gserviceaccount.com");
			assertThat(claims.getBooleanClaim("email_verified")).isTrue();
			assertThat(claims.getSubject())
				.isEqualTo(ServiceAccount.of("calling@demo.iam.gserviceaccount.com").uniqueId());
			assertThat(claims.getStringClaim("azp")).isEqualTo(claims.getSubject());
			assertThat(claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()).isEqualTo(3_600_000);

			int exit = emulator.stop(Duration.ofSeconds(10));
			assertThat(emulator.output()).as("exit %d", exit).contains("Google identity emulator stopped.");
			assertThat(emulator.process().isAlive()).isFalse();
		}
	}

	@Test
	void cloudRunAdminApiAcceptsTheMetadataServersAccessTokenAndInvokerIamDisabledFlagSetsTheField() throws Exception {
		for (boolean disabled : new boolean[] { false, true }) {
			List<String> arguments = new ArrayList<>(List.of("--port", "0"));
			if (disabled) {
				arguments.add("--invoker-iam-disabled");
			}
			try (JavaProcess.Running emulator = JavaProcess.jar(jar())
				.arguments(arguments.toArray(String[]::new))
				.start()) {
				emulator.awaitOutput(Pattern.compile("Press Ctrl-C to stop\\."), Duration.ofSeconds(30));
				String metadata = emulator
					.awaitOutput(Pattern.compile("metadata server: +(http://\\S+)"), Duration.ZERO)
					.group(1);
				String cloudRun = emulator
					.awaitOutput(Pattern.compile("Cloud Run Admin: +(http://\\S+)"), Duration.ZERO)
					.group(1);
				HttpResponse<String> token = this.http.send(HttpRequest
					.newBuilder(URI.create(metadata + "/computeMetadata/v1/instance/service-accounts/default/token"))
					.header("Metadata-Flavor", "Google")
					.build(), HttpResponse.BodyHandlers.ofString());
				String accessToken = (String) JSONObjectUtils.parse(token.body()).get("access_token");
				HttpResponse<String> service = this.http.send(HttpRequest
					.newBuilder(URI
						.create(cloudRun + "/v2/projects/emulator-project/locations/us-central1/services/receiving"))
					.header("Authorization", "Bearer " + accessToken)
					.build(), HttpResponse.BodyHandlers.ofString());
				assertThat(service.statusCode()).isEqualTo(200);
				Map<String, Object> body = JSONObjectUtils.parse(service.body());
				assertThat(body).containsEntry("uri", "https://receiving-123456789012.us-central1.run.app");
				if (disabled) {
					assertThat(body).containsEntry("invokerIamDisabled", true);
				}
				else {
					assertThat(body).doesNotContainKey("invokerIamDisabled");
				}
			}
		}
	}

	@Test
	void busyPortIsOneLineOnStandardErrorNamingThePortAndTheWayOutWithoutAStackTrace(@TempDir Path dir)
			throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			int port = taken.getLocalPort();
			Path stdout = dir.resolve("stdout");
			Path stderr = dir.resolve("stderr");
			String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
			ProcessBuilder builder = new ProcessBuilder(java, "-jar", jar().toAbsolutePath().toString(), "--port",
					String.valueOf(port))
				.redirectOutput(stdout.toFile())
				.redirectError(stderr.toFile());
			// the JVM itself would report these on standard error
			builder.environment().keySet().removeAll(List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"));
			Process process = builder.start();
			try {
				assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited").isTrue();
			}
			finally {
				process.destroyForcibly();
			}
			List<String> errors = Files.readAllLines(stderr);
			assertThat(process.exitValue()).isNotZero();
			assertThat(errors).as("standard error").hasSize(1);
			assertThat(errors.get(0)).contains("port " + port)
				.contains("metadata server")
				.contains("already in use")
				.contains("--port 0")
				.doesNotContain("Exception");
			assertThat(Files.readString(stdout)).isEmpty();
		}
	}

	@Test
	void unknownOptionExitsWithUsage() {
		JavaProcess.Completed run = JavaProcess.jar(jar()).arguments("--bogus", "1").run(Duration.ofSeconds(30));
		assertThat(run.exitCode()).isEqualTo(2);
		assertThat(run.output()).contains("Unknown option --bogus").contains("usage:");
	}

	private static Path jar() {
		return Path.of(System.getProperty("emulator.jar", "target/cloudrun-auth-spring-boot-test-emulator.jar"));
	}

	private static List<Integer> printedPorts(String output) {
		List<Integer> ports = new ArrayList<>();
		Matcher matcher = PRINTED_PORT.matcher(output);
		while (matcher.find()) {
			ports.add(Integer.parseInt(matcher.group(1)));
		}
		return ports;
	}

}
