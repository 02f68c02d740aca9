package dev.cloudrunauth.sample.e2e;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.cloudrunauth.test.LoggedTokens;
import dev.cloudrunauth.test.LoopbackResponse;
import dev.cloudrunauth.test.LoopbackServer;
import dev.cloudrunauth.test.RecordedRequest;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import dev.cloudrunauth.test.senders.PubSubPush;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's scenarios and more, against the two samples started by a
 * {@link ServiceLauncher}: a calling service using the metadata server (refreshing
 * short-lived tokens), and one calling as a report reader with a key file through
 * {@code X-Serverless-Authorization}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EndToEndScenarios {

	private static final Duration TOKEN_LIFETIME = Duration.ofSeconds(20);

	private static final List<String> CREDENTIAL_HEADERS = List.of("Authorization", "X-Serverless-Authorization");

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension(
			(builder) -> builder.serviceAccount(SampleServices.CALLER).tokenLifetime(TOKEN_LIFETIME));

	@TempDir
	static Path keys;

	private final HttpClient http = HttpClient.newHttpClient();

	private SampleServices services;

	/**
	 * Forwards to the receiving service, recording where the calling service put its
	 * token.
	 */
	private LoopbackServer proxy;

	private String receiving;

	private String calling;

	private String readerCalling;

	abstract ServiceLauncher launcher();

	/**
	 * Whether the services can be started here; when not, nothing is started and a
	 * condition of the subclass skips each test.
	 * @return {@code true} unless the subclass knows better
	 */
	boolean startsServices() {
		return true;
	}

	@BeforeAll
	void startServices() {
		if (!startsServices()) {
			return;
		}
		GoogleIdentityEmulator emulator = google.emulator();
		this.services = SampleServices.with(emulator, launcher()).traceLogging();
		this.receiving = this.services.startReceiving();
		this.calling = this.services.startCalling("cloudrun.auth.calling.refresh-before-expiry=10s");
		this.proxy = LoopbackServer.start(forwardingTo(this.receiving));
		this.readerCalling = this.services.startCallingWithKey(emulator.serviceAccount(SampleServices.REPORT_READER),
				keys, "cloudrun.auth.calling.header=x-serverless-authorization",
				"cloudrun.auth.calling.targets.receiving.url=" + this.proxy.url(),
				"cloudrun.auth.calling.targets.receiving.audience=" + this.receiving);
	}

	@AfterAll
	void noTokenValueWasLoggedAtTraceThenStopServices() {
		try {
			if (this.services != null) {
				String output = String.join("\n", this.services.outputs());
				assertThat(output).as("proof that TRACE logging of the library was captured")
					.contains("Minted ID token for audience")
					.contains("Rejected ID token: audience");
				assertThat(LoggedTokens.find(output)).as("token values in the services' output").isEmpty();
			}
		}
		finally {
			stop();
		}
	}

	private void stop() {
		if (this.services != null) {
			this.services.close();
		}
		if (this.proxy != null) {
			this.proxy.close();
		}
	}

	@Test
	void callingServiceCallsReceivingWithItsIdentity() throws Exception {
		HttpResponse<String> response = get(this.calling + "/");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("Response from receiving service: Hello, " + SampleServices.CALLER + "!");
	}

	@Test
	void webClientCallDoesTheSame() throws Exception {
		HttpResponse<String> response = get(this.calling + "/reactive");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("Response from receiving service: Hello, " + SampleServices.CALLER + "!");
	}

	@Test
	void reportsAreDeniedToACallerThatIsNotAReportReader() throws Exception {
		assertThat(get(this.calling + "/reports").statusCode()).isEqualTo(403);
	}

	@Test
	void reportsAreAllowedToAReportReader() throws Exception {
		HttpResponse<String> response = get(this.readerCalling + "/reports");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("Reports for " + SampleServices.REPORT_READER);
	}

	@Test
	void xServerlessAuthorizationModeCarriesTheTokenInThatHeaderOnly() throws Exception {
		HttpResponse<String> response = get(this.readerCalling + "/");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body())
			.isEqualTo("Response from receiving service: Hello, " + SampleServices.REPORT_READER + "!");
		assertThat(this.proxy.requests()).isNotEmpty()
			.extracting(EndToEndScenarios::credentialHeaders)
			.allSatisfy((headers) -> assertThat(headers).isEqualTo(Set.of("X-Serverless-Authorization")));
	}

	@Test
	void aPubSubPushFromTheSubscriptionsAccountOnlyIsAcknowledged() {
		String url = this.receiving + "/events/pubsub";
		assertThat(PubSubPush.from(google.emulator(), SampleServices.PUBSUB_PUSH)
			.message("{\"orderId\":42}")
			.to(url)
			.statusCode()).isEqualTo(200);
		assertThat(PubSubPush.from(google.emulator(), SampleServices.REPORT_READER).to(url).statusCode())
			.isEqualTo(403);
		assertThat(PubSubPush.from(google.emulator(), SampleServices.PUBSUB_PUSH)
			.audience(this.receiving)
			.to(url)
			.statusCode()).isEqualTo(401);
	}

	@Test
	void directCallWithoutATokenIsRejectedWith401() throws Exception {
		assertThat(get(this.receiving + "/hello").statusCode()).isEqualTo(401);
	}

	@Test
	void directCallWithATokenForAnotherAudienceIsRejectedWith401() throws Exception {
		HttpResponse<String> token = this.http.send(
				HttpRequest.newBuilder(URI.create(google.emulator().metadataUri()
						+ "/computeMetadata/v1/instance/service-accounts/default/identity?format=full&audience="
						+ "https://another-service.example"))
					.header("Metadata-Flavor", "Google")
					.build(),
				HttpResponse.BodyHandlers.ofString());
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(this.receiving + "/hello"))
			.header("Authorization", "Bearer " + token.body())
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().firstValue("WWW-Authenticate"))
			.hasValueSatisfying((value) -> assertThat(value).contains("The token's audience is not accepted"));
	}

	@Test
	void directCallFromAServiceAccountOfAnotherProjectIsRejectedWith403() throws Exception {
		String token = google.emulator()
			.idToken(this.receiving)
			.serviceAccount(google.emulator().serviceAccount(SampleServices.OUTSIDER))
			.sign();
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(this.receiving + "/hello"))
			.header("Authorization", "Bearer " + token)
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying((value) -> assertThat(value)
			.contains("insufficient_scope", "The caller is not allowed to call this service"));
	}

	@Test
	void aHeaderTheServerCannotParseIsRefusedWithoutItsTokenInTheLog() throws Exception {
		// Tomcat logs the whole header line of such a request at INFO, unless the
		// starter's default level holds
		String token = google.emulator().idToken(this.receiving).sign();
		URI receiving = URI.create(this.receiving);
		String response;
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(receiving.getHost(), receiving.getPort()), 5000);
			socket.setSoTimeout(10_000);
			socket.getOutputStream()
				.write(("GET /hello HTTP/1.1\r\nHost: " + receiving.getAuthority() + "\r\nAuthorization: Bearer "
						+ token + "\u0000\r\nConnection: close\r\n\r\n")
					.getBytes(StandardCharsets.ISO_8859_1));
			response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
		}
		assertThat(response).startsWith("HTTP/1.1 400");
		// a second, well-formed request: once its log lines are out, those of the first
		// one are too
		assertThat(get(this.receiving + "/hello").statusCode()).isEqualTo(401);
		Thread.sleep(500);
		assertThat(String.join("\n", this.services.outputs()))
			.doesNotContain(token.substring(token.indexOf('.') + 1, token.indexOf('.') + 41));
	}

	@Test
	void aTokenInTheQueryStringIsRefusedWithoutItInTheLog() throws Exception {
		// Spring Security logs each request line, query string included, at DEBUG, unless
		// the starter's default level holds
		String token = google.emulator().idToken(this.receiving).sign();
		String signature = token.substring(token.lastIndexOf('.') + 1);
		assertThat(get(this.receiving + "/hello?access_token=" + token).statusCode()).isEqualTo(401);
		assertThat(get(this.receiving + "/hello?sig=" + signature).statusCode()).isEqualTo(401);
		assertThat(get(this.receiving + "/hello").statusCode()).isEqualTo(401);
		Thread.sleep(500);
		assertThat(String.join("\n", this.services.outputs())).doesNotContain(signature);
	}

	@Test
	void healthIsPublic() throws Exception {
		assertThat(get(this.receiving + "/actuator/health").statusCode()).isEqualTo(200);
	}

	@Test
	void callingServiceHasNoSecurityOfItsOwn() throws Exception {
		HttpResponse<String> health = get(this.calling + "/actuator/health");
		assertThat(health.statusCode()).isEqualTo(200);
		// the headers Spring Security writes on every response it handles
		assertThat(health.headers().map()).doesNotContainKeys("www-authenticate", "x-content-type-options",
				"x-frame-options");
	}

	@Test
	void callingServicesStartWithoutClassLoadingErrors() {
		// calling-only: neither Spring Security nor Nimbus is on their class path,
		// whatever the library's classes name
		assertThat(this.services.output("sample-calling")).contains("Started CallingApplication in")
			.doesNotContain("NoClassDefFoundError", "ClassNotFoundException", "TypeNotPresentException",
					"ArrayStoreException");
	}

	@Test
	void shortLivedTokensAreRefreshedWithoutAFailedCall() throws Exception {
		long end = System.nanoTime() + TOKEN_LIFETIME.plusSeconds(8).toNanos();
		int calls = 0;
		while (System.nanoTime() < end) {
			HttpResponse<String> response = get(this.calling + "/");
			assertThat(response.statusCode()).as("call %d: %s", calls, response.body()).isEqualTo(200);
			calls++;
			Thread.sleep(100);
		}
		assertThat(google.emulator().idTokensMinted(this.receiving)).as("tokens minted during %d calls", calls)
			.isGreaterThanOrEqualTo(2);
	}

	private HttpResponse<String> get(String url) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private LoopbackServer.Handler forwardingTo(String target) {
		return (request) -> {
			HttpRequest.Builder forwarded = HttpRequest.newBuilder(URI.create(target + request.uri().getRawPath()));
			for (String name : List.of("Authorization", "X-Serverless-Authorization", "Accept")) {
				request.headers(name).forEach((value) -> forwarded.header(name, value));
			}
			HttpResponse<byte[]> response = this.http.send(forwarded.build(), HttpResponse.BodyHandlers.ofByteArray());
			LoopbackResponse answer = LoopbackResponse.status(response.statusCode());
			return response.headers()
				.firstValue("Content-Type")
				.map((type) -> answer.withBody(type, response.body()))
				.orElse(answer);
		};
	}

	private static Set<String> credentialHeaders(RecordedRequest request) {
		Set<String> present = new TreeSet<>();
		CREDENTIAL_HEADERS.stream().filter((name) -> request.header(name) != null).forEach(present::add);
		return present;
	}

}
