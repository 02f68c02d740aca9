package dev.cloudrunauth.test.emulator;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpResponseException;
import com.google.auth.http.HttpCredentialsAdapter;
import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class CloudRunAdminApiTests {

	private static final String SERVICE = "/v2/projects/emulator-project/locations/us-central1/services/receiving";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void serviceIsDescribedWithoutInvokerIamDisabledByDefault() throws Exception {
		HttpResponse<String> response = get(SERVICE, accessToken());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/json"));
		Map<String, Object> service = JSONObjectUtils.parse(response.body());
		assertThat(service).containsEntry("name", "projects/emulator-project/locations/us-central1/services/receiving")
			.containsEntry("uri", "https://receiving-123456789012.us-central1.run.app")
			.containsEntry("urls", List.of("https://receiving-123456789012.us-central1.run.app"))
			.containsEntry("ingress", "INGRESS_TRAFFIC_ALL")
			.containsEntry("launchStage", "GA")
			.doesNotContainKey("invokerIamDisabled");
		assertThat((String) service.get("uid")).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
		assertThat(JSONObjectUtils.parse(get(SERVICE, accessToken()).body()).get("uid"))
			.as("the same service keeps its uid")
			.isEqualTo(service.get("uid"));
	}

	@Test
	void serviceCarriesInvokerIamDisabledWhenTheInvokerCheckIsOff() throws Exception {
		google.emulator().cloudRun().setInvokerIamDisabled(true);
		try {
			HttpResponse<String> response = get(SERVICE, accessToken());
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(JSONObjectUtils.parse(response.body())).containsEntry("invokerIamDisabled", true);
		}
		finally {
			google.emulator().cloudRun().setInvokerIamDisabled(false);
		}
	}

	@Test
	void projectNumberNamesTheSameProject() throws Exception {
		HttpResponse<String> response = get("/v2/projects/123456789012/locations/us-central1/services/orders",
				accessToken());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(JSONObjectUtils.parse(response.body()))
			.containsEntry("name", "projects/emulator-project/locations/us-central1/services/orders")
			.containsEntry("uri", "https://orders-123456789012.us-central1.run.app");
	}

	@Test
	void requestWithoutAnAccessTokenIsRejectedWith401() throws Exception {
		HttpResponse<String> response = get(SERVICE, null);
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().firstValue("WWW-Authenticate"))
			.hasValue("Bearer realm=\"https://accounts.google.com/\"");
		assertGoogleError(response, 401, "UNAUTHENTICATED");
	}

	@Test
	void requestWithAnAccessTokenTheEmulatorDidNotIssueIsRejectedWith401() throws Exception {
		HttpResponse<String> response = get(SERVICE, "ya29.not-issued-by-the-emulator");
		assertThat(response.statusCode()).isEqualTo(401);
		assertGoogleError(response, 401, "UNAUTHENTICATED");
	}

	@Test
	void requestWithAnIdTokenInsteadOfAnAccessTokenIsRejectedWith401() throws Exception {
		String idToken = google.emulator().idToken("https://run.googleapis.com").sign();
		assertThat(get(SERVICE, idToken).statusCode()).isEqualTo(401);
	}

	@Test
	void serviceOfAnotherProjectIsNotFound() throws Exception {
		HttpResponse<String> response = get("/v2/projects/other-project/locations/us-central1/services/receiving",
				accessToken());
		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(assertGoogleError(response, 404, "NOT_FOUND")).contains("other-project");
	}

	@Test
	void serviceInAnotherRegionIsNotFound() throws Exception {
		HttpResponse<String> response = get("/v2/projects/emulator-project/locations/europe-west1/services/receiving",
				accessToken());
		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(assertGoogleError(response, 404, "NOT_FOUND")).contains("europe-west1");
	}

	@Test
	void deniedPermissionIsAnsweredWith403NamingRunServicesGet() throws Exception {
		google.emulator().cloudRun().setAdminPermissionDenied(true);
		try {
			HttpResponse<String> response = get(SERVICE, accessToken());
			assertThat(response.statusCode()).isEqualTo(403);
			assertThat(assertGoogleError(response, 403, "PERMISSION_DENIED")).isEqualTo("Permission 'run.services.get' "
					+ "denied on resource 'projects/emulator-project/locations/us-central1/services/receiving' "
					+ "(or resource may not exist).");
		}
		finally {
			google.emulator().cloudRun().setAdminPermissionDenied(false);
		}
	}

	@Test
	void resetKeepsTheCloudRunAdminSettings() throws Exception {
		GoogleIdentityEmulator emulator = google.emulator();
		emulator.cloudRun().setInvokerIamDisabled(true);
		emulator.cloudRun().setAdminPermissionDenied(true);
		try {
			emulator.reset();
			assertThat(get(SERVICE, accessToken()).statusCode()).isEqualTo(403);
			emulator.cloudRun().setAdminPermissionDenied(false);
			emulator.reset();
			assertThat(JSONObjectUtils.parse(get(SERVICE, accessToken()).body())).containsEntry("invokerIamDisabled",
					true);
		}
		finally {
			emulator.cloudRun().setInvokerIamDisabled(false);
			emulator.cloudRun().setAdminPermissionDenied(false);
		}
	}

	@Test
	void requestsAreCountedAndFaultsApply() throws Exception {
		GoogleIdentityEmulator emulator = google.emulator();
		String token = accessToken();
		get(SERVICE, token);
		get(SERVICE, null);
		assertThat(emulator.requests(EmulatorEndpoint.CLOUD_RUN_ADMIN)).isEqualTo(2);
		emulator.inject(EmulatorEndpoint.CLOUD_RUN_ADMIN, Fault.httpStatus(503));
		assertThat(get(SERVICE, token).statusCode()).isEqualTo(503);
		assertThat(emulator.requests(EmulatorEndpoint.CLOUD_RUN_ADMIN)).isEqualTo(3);
	}

	@Test
	void metadataServerAccessTokenFromGoogleAuthLibraryIsAcceptedThroughRunGoogleapisCom() throws Exception {
		GoogleIdentityEmulator emulator = google.emulator();
		HttpCredentialsAdapter credentials = new HttpCredentialsAdapter(
				EmulatorClients.computeEngineCredentials(emulator));
		com.google.api.client.http.HttpResponse response = new EmulatorHttpTransportFactory(emulator).create()
			.createRequestFactory(credentials)
			.buildGetRequest(new GenericUrl("https://run.googleapis.com" + SERVICE))
			.execute();
		try {
			assertThat(response.getStatusCode()).isEqualTo(200);
			assertThat(JSONObjectUtils.parse(response.parseAsString())).containsEntry("name",
					"projects/emulator-project/locations/us-central1/services/receiving");
		}
		finally {
			response.disconnect();
		}
		assertThat(emulator.requests(EmulatorEndpoint.CLOUD_RUN_ADMIN)).isEqualTo(1);
	}

	@Test
	void googleAuthLibraryRequestWithoutCredentialsFailsWith401() {
		GoogleIdentityEmulator emulator = google.emulator();
		assertThatExceptionOfType(HttpResponseException.class)
			.isThrownBy(() -> new EmulatorHttpTransportFactory(emulator).create()
				.createRequestFactory()
				.buildGetRequest(new GenericUrl("https://run.googleapis.com" + SERVICE))
				.execute())
			.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(401));
	}

	@Test
	void fixedPortsPutTheCloudRunAdminApiOnPortPlusFour() throws IOException {
		IOException lastFailure = null;
		for (int attempt = 0; attempt < 5; attempt++) {
			int base = freePort();
			GoogleIdentityEmulator emulator;
			try {
				emulator = GoogleIdentityEmulator.builder().port(base).start();
			}
			catch (RuntimeException ex) {
				// another process took one of base..base+4 in the meantime: try elsewhere
				lastFailure = new IOException(ex);
				continue;
			}
			try (emulator) {
				assertThat(emulator.port(EmulatorEndpoint.JWKS)).isEqualTo(base + 3);
				assertThat(emulator.port(EmulatorEndpoint.CLOUD_RUN_ADMIN)).isEqualTo(base + 4);
				assertThat(emulator.cloudRun().apiUri()).isEqualTo("http://127.0.0.1:" + (base + 4));
			}
			return;
		}
		throw lastFailure;
	}

	@Test
	void fixedBasePortMustLeaveRoomForFiveEndpoints() {
		assertThat(GoogleIdentityEmulator.builder().port(65531)).isNotNull();
		assertThatIllegalArgumentException().isThrownBy(() -> GoogleIdentityEmulator.builder().port(65532))
			.withMessageContaining("65531");
	}

	private String accessToken() throws IOException {
		return EmulatorClients.computeEngineCredentials(google.emulator()).refreshAccessToken().getTokenValue();
	}

	private HttpResponse<String> get(String path, String bearer) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(google.emulator().cloudRun().apiUri() + path));
		if (bearer != null) {
			request.header("Authorization", "Bearer " + bearer);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	@SuppressWarnings("unchecked")
	private static String assertGoogleError(HttpResponse<String> response, int code, String status) throws Exception {
		Map<String, Object> error = (Map<String, Object>) JSONObjectUtils.parse(response.body()).get("error");
		assertThat(error).containsEntry("code", (long) code).containsEntry("status", status);
		assertThat(error.get("message")).isInstanceOf(String.class);
		return (String) error.get("message");
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
