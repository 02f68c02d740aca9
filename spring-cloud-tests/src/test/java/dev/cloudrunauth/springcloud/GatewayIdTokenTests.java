package dev.cloudrunauth.springcloud;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.cloudrunauth.test.LoggedTokens;
import dev.cloudrunauth.test.RecordedRequest;
import dev.cloudrunauth.test.autoconfigure.AutoConfigureGoogleIdentity;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Cloud Gateway server-webmvc routes to private services on loopback: the routed
 * request carries the gateway's own ID token for the target's audience.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "logging.level.dev.cloudrunauth=TRACE",
				"logging.level.org.springframework.cloud.gateway=DEBUG" })
@AutoConfigureGoogleIdentity(serviceAccount = GatewayIdTokenTests.GATEWAY)
@ExtendWith(OutputCaptureExtension.class)
class GatewayIdTokenTests {

	static final String GATEWAY = "gateway@emulator-project.iam.gserviceaccount.com";

	static final String YAML_AUDIENCE = "https://yaml-route-123456789012.us-central1.run.app";

	static final String ROUTES = "spring.cloud.gateway.server.webmvc.routes";

	@Autowired
	GoogleIdentityEmulator emulator;

	@LocalServerPort
	int port;

	private final HttpClient client = HttpClient.newHttpClient();

	@DynamicPropertySource
	static void routes(DynamicPropertyRegistry registry) {
		registry.add("cloudrun.auth.calling.targets.backend.url", GatewayApplication.declared::url);
		route(registry, 0, "declared", GatewayApplication.declared.url(), "/declared/**", null);
		route(registry, 1, "plain", GatewayApplication.other.url(), "/plain/**", null);
		route(registry, 2, "yaml", GatewayApplication.other.url(), "/yaml/**", "CloudRunIdToken=" + YAML_AUDIENCE);
		route(registry, 3, "strict", GatewayApplication.declared.url(), "/strict/**",
				"RemoveRequestHeader=X-Serverless-Authorization");
	}

	static void route(DynamicPropertyRegistry registry, int index, String id, String uri, String path, String filter) {
		String route = ROUTES + "[" + index + "].";
		registry.add(route + "id", () -> id);
		registry.add(route + "uri", () -> uri);
		registry.add(route + "predicates[0]", () -> "Path=" + path);
		registry.add(route + "filters[0]", () -> "StripPrefix=1");
		if (filter != null) {
			registry.add(route + "filters[1]", () -> filter);
		}
	}

	@BeforeEach
	@AfterEach
	void clear() {
		GatewayApplication.declared.clear();
		GatewayApplication.other.clear();
	}

	@Test
	void routeToADeclaredTargetCarriesTheGatewaysTokenForTheTarget(CapturedOutput output) throws Exception {
		assertThat(get("/declared/orders", null).statusCode()).isEqualTo(200);
		RecordedRequest request = GatewayApplication.declared.onlyRequest();
		assertThat(request.path()).isEqualTo("/orders");
		assertGatewayToken(request.bearerToken("Authorization"), GatewayApplication.declared.url());
		assertThat(request.header("X-Serverless-Authorization")).isNull();
		assertThat(LoggedTokens.find(output)).isEmpty();
	}

	@Test
	void clientsOwnAuthorizationIsKeptAndTheTokenGoesInXServerlessAuthorization() throws Exception {
		assertThat(get("/declared/orders", "Bearer xyz").statusCode()).isEqualTo(200);
		RecordedRequest request = GatewayApplication.declared.onlyRequest();
		assertThat(request.header("Authorization")).isEqualTo("Bearer xyz");
		assertGatewayToken(request.bearerToken("X-Serverless-Authorization"), GatewayApplication.declared.url());
	}

	@Test
	void clientsXServerlessAuthorizationToADeclaredTargetIsForwardedAndNoTokenAdded() throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(gateway("/declared/orders")))
			.header("X-Serverless-Authorization", "Bearer client-chosen")
			.build();
		assertThat(this.client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
		RecordedRequest recorded = GatewayApplication.declared.onlyRequest();
		assertThat(recorded.header("X-Serverless-Authorization")).isEqualTo("Bearer client-chosen");
		assertThat(recorded.header("Authorization")).isNull();
	}

	@Test
	void removingTheClientsXServerlessAuthorizationMakesTheGatewayCallAsItself() throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(gateway("/strict/orders")))
			.header("X-Serverless-Authorization", "Bearer client-chosen")
			.build();
		assertThat(this.client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
		RecordedRequest recorded = GatewayApplication.declared.onlyRequest();
		assertThat(recorded.headers("X-Serverless-Authorization")).isEmpty();
		assertGatewayToken(recorded.bearerToken("Authorization"), GatewayApplication.declared.url());
	}

	@Test
	void routeToANonTargetWithoutTheFilterCarriesNoToken() throws Exception {
		assertThat(get("/plain/orders", null).statusCode()).isEqualTo(200);
		RecordedRequest request = GatewayApplication.other.onlyRequest();
		assertThat(request.header("Authorization")).isNull();
		assertThat(request.header("X-Serverless-Authorization")).isNull();
	}

	@Test
	void filterInAPropertiesRouteAddsTheTokenForItsAudience(CapturedOutput output) throws Exception {
		assertThat(get("/yaml/orders", null).statusCode()).isEqualTo(200);
		RecordedRequest request = GatewayApplication.other.onlyRequest();
		assertThat(request.path()).isEqualTo("/orders");
		assertGatewayToken(request.bearerToken("Authorization"), YAML_AUDIENCE);
		assertThat(LoggedTokens.find(output)).isEmpty();
	}

	@Test
	void filterKeepsTheClientsAuthorizationAndReplacesItsXServerlessAuthorization() throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(gateway("/yaml/orders")))
			.header("Authorization", "Bearer xyz")
			.header("X-Serverless-Authorization", "Bearer client-chosen")
			.build();
		assertThat(this.client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
		RecordedRequest recorded = GatewayApplication.other.onlyRequest();
		assertThat(recorded.header("Authorization")).isEqualTo("Bearer xyz");
		assertThat(recorded.headers("X-Serverless-Authorization")).hasSize(1);
		assertGatewayToken(recorded.bearerToken("X-Serverless-Authorization"), YAML_AUDIENCE);
	}

	@Test
	void filterInAJavaRouteAddsTheTokenForItsAudience() throws Exception {
		assertThat(get("/java/orders", null).statusCode()).isEqualTo(200);
		RecordedRequest request = GatewayApplication.other.onlyRequest();
		assertThat(request.path()).isEqualTo("/orders");
		assertGatewayToken(request.bearerToken("Authorization"), GatewayApplication.JAVA_AUDIENCE);
	}

	private HttpResponse<Void> get(String path, String authorization) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway(path)));
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return this.client.send(request.build(), HttpResponse.BodyHandlers.discarding());
	}

	private String gateway(String path) {
		return "http://127.0.0.1:" + this.port + path;
	}

	private void assertGatewayToken(String token, String audience) throws ParseException, JOSEException {
		SignedJWT jwt = SignedJWT.parse(token);
		assertThat(jwt.verify(new RSASSAVerifier(this.emulator.keys().publicKey(jwt.getHeader().getKeyID()))))
			.as("signed by the emulator's key")
			.isTrue();
		JWTClaimsSet claims = jwt.getJWTClaimsSet();
		assertThat(claims.getAudience()).containsExactly(audience);
		assertThat(claims.getStringClaim("email")).isEqualTo(GATEWAY);
	}

}
