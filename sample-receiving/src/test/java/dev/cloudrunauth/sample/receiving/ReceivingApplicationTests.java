package dev.cloudrunauth.sample.receiving;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.cloudrunauth.test.autoconfigure.AutoConfigureGoogleIdentity;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.ServiceAccount;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "sample.report-readers=reader@demo.iam.gserviceaccount.com",
				"cloudrun.auth.receiving.allowed-callers=*@demo.iam.gserviceaccount.com",
				"cloudrun.auth.receiving.audiences=" + ReceivingApplicationTests.AUDIENCE })
@AutoConfigureGoogleIdentity(serviceAccount = ReceivingApplicationTests.CALLER)
class ReceivingApplicationTests {

	static final String AUDIENCE = "https://receiving-123456789012.us-central1.run.app";

	static final String CALLER = "calling@demo.iam.gserviceaccount.com";

	@Autowired
	GoogleIdentityEmulator google;

	@LocalServerPort
	int port;

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void helloGreetsTheVerifiedCaller() throws Exception {
		HttpResponse<String> response = get("/hello", this.google.idToken(AUDIENCE).sign());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("Hello, " + CALLER + "!");
	}

	@Test
	void whoamiDescribesTheVerifiedCaller() throws Exception {
		HttpResponse<String> response = get("/whoami", this.google.idToken(AUDIENCE).sign());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"email\":\"" + CALLER + "\"",
				"\"subject\":\"" + ServiceAccount.of(CALLER).uniqueId() + "\"", "\"audience\":[\"" + AUDIENCE + "\"]",
				"\"issuer\":\"https://accounts.google.com\"", "\"expiresAt\":\"");
	}

	@Test
	void reportsAreForReportReadersOnly() throws Exception {
		String reader = this.google.idToken(AUDIENCE)
			.serviceAccount(ServiceAccount.of("reader@demo.iam.gserviceaccount.com"))
			.sign();
		assertThat(get("/reports", reader).statusCode()).isEqualTo(200);
		assertThat(get("/reports", this.google.idToken(AUDIENCE).sign()).statusCode()).isEqualTo(403);
	}

	@Test
	void healthIsPublicAndEverythingElseNeedsAToken() throws Exception {
		assertThat(get("/actuator/health", null).statusCode()).isEqualTo(200);
		assertThat(get("/hello", null).statusCode()).isEqualTo(401);
		assertThat(get("/hello", this.google.idToken("https://other.example").sign()).statusCode()).isEqualTo(401);
	}

	@Test
	void protectedResourceMetadataDescribesThisService() throws Exception {
		HttpResponse<String> response = get("/.well-known/oauth-protected-resource", null);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"resource\":\"" + AUDIENCE + "\"",
				"\"authorization_servers\":[\"https://accounts.google.com\"]",
				"\"tls_client_certificate_bound_access_tokens\":false");
	}

	private HttpResponse<String> get(String path, String token) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
