package dev.cloudrunauth.gateway;

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
 * Spring Cloud Gateway server-webflux routes to private services on loopback: the routed
 * request carries the gateway's own ID token for the target's audience.
 */
@SpringBootTest(classes = WebFluxGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "logging.level.dev.cloudrunauth=TRACE",
				"logging.level.org.springframework.cloud.gateway=DEBUG" })
@AutoConfigureGoogleIdentity(serviceAccount = WebFluxGatewayIdTokenTests.GATEWAY)
@ExtendWith(OutputCaptureExtension.class)
class WebFluxGatewayIdTokenTests {

	static final String GATEWAY = "gateway@emulator-project.iam.gserviceaccount.com";

	static final String YAML_AUDIENCE = "https://yaml-route-123456789012.us-central1.run.app";

	static final String LEDGER_AS = "ledger-caller@emulator-project.iam.gserviceaccount.com";

	static final String ROUTES = "spring.cloud.gateway.server.webflux.routes";

	@Autowired
	GoogleIdentityEmulator emulator;

	@LocalServerPort
	int port;

	private final HttpClient client = HttpClient.newHttpClient();

	@DynamicPropertySource
	static void routes(DynamicPropertyRegistry registry) {
		registry.add("cloudrun.auth.calling.targets.backend.url", WebFluxGatewayApplication.declared::url);
		route(registry, 0, "declared", WebFluxGatewayApplication.declared.url(), "/declared/**", null);
		route(registry, 1, "plain", WebFluxGatewayApplication.other.url(), "/plain/**", null);
		route(registry, 2, "yaml", WebFluxGatewayApplication.other.url(), "/yaml/**",
				"CloudRunIdToken=" + YAML_AUDIENCE);
		route(registry, 3, "strict", WebFluxGatewayApplication.declared.url(), "/strict/**",
				"RemoveRequestHeader=X-Serverless-Authorization");
		registry.add("cloudrun.auth.calling.targets.ledger.url", WebFluxGatewayApplication.ledger::url);
		registry.add("cloudrun.auth.calling.targets.ledger.impersonate-service-account", () -> LEDGER_AS);
		route(registry, 4, "ledger", WebFluxGatewayApplication.ledger.url(), "/ledger/**", null);
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
		WebFluxGatewayApplication.declared.clear();
		WebFluxGatewayApplication.other.clear();
		WebFluxGatewayApplication.ledger.clear();
	}

	@Test
	void routeToATargetWithItsOwnIdentityCarriesATokenMintedAsThatServiceAccount() throws Exception {
		// a service account the gateway's may impersonate
		this.emulator.serviceAccount(LEDGER_AS);
		assertThat(get("/ledger/entries", null).statusCode()).isEqualTo(200);
		SignedJWT jwt = SignedJWT.parse(WebFluxGatewayApplication.ledger.onlyRequest().bearerToken("Authorization"));
		assertThat(jwt.verify(new RSASSAVerifier(this.emulator.keys().publicKey(jwt.getHeader().getKeyID())))).isTrue();
		assertThat(jwt.getJWTClaimsSet().getStringClaim("email")).isEqualTo(LEDGER_AS);
		assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly(WebFluxGatewayApplication.ledger.url());
	}

	@Test
	void routeToADeclaredTargetCarriesTheGatewaysTokenForTheTarget(CapturedOutput output) throws Exception {
		assertThat(get("/declared/orders", null).statusCode()).isEqualTo(200);
		RecordedRequest request = WebFluxGatewayApplication.declared.onlyRequest();
		assertThat(request.path()).isEqualTo("/orders");
		assertGatewayToken(request.bearerToken("Authorization"), WebFluxGatewayApplication.declared.url());
		assertThat(request.header("X-Serverless-Authorization")).isNull();
		assertThat(LoggedTokens.find(output)).isEmpty();
	}

	@Test
	void clientsOwnAuthorizationIsKeptAndTheTokenGoesInXServerlessAuthorization() throws Exception {
		assertThat(get("/declared/orders", "Bearer xyz").statusCode()).isEqualTo(200);
		RecordedRequest request = WebFluxGatewayApplication.declared.onlyRequest();
		assertThat(request.header("Authorization")).isEqualTo("Bearer xyz");
		assertGatewayToken(request.bearerToken("X-Serverless-Authorization"), WebFluxGatewayApplication.declared.url());
	}

	@Test
	void clientsXServerlessAuthorizationToADeclaredTargetIsForwardedAndNoTokenAdded() throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(gateway("/declared/orders")))
			.header("X-Serverless-Authorization", "Bearer client-chosen")
			.build();
		assertThat(this.client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
		RecordedRequest recorded = WebFluxGatewayApplication.declared.onlyRequest();
		assertThat(recorded.header("X-Serverless-Authorization")).isEqualTo("Bearer client-chosen");
		assertThat(recorded.header("Authorization")).isNull();
	}

	@Test
	void removingTheClientsXServerlessAuthorizationMakesTheGatewayCallAsItself() throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(gateway("/strict/orders")))
			.header("X-Serverless-Authorization", "Bearer client-chosen")
			.build();
		assertThat(this.client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
		RecordedRequest recorded = WebFluxGatewayApplication.declared.onlyRequest();
		assertThat(recorded.headers("X-Serverless-Authorization")).isEmpty();
		assertGatewayToken(recorded.bearerToken("Authorization"), WebFluxGatewayApplication.declared.url());
	}

	@Test
	void routeToANonTargetWithoutTheFilterCarriesNoToken() throws Exception {
		assertThat(get("/plain/orders", null).statusCode()).isEqualTo(200);
		RecordedRequest request = WebFluxGatewayApplication.other.onlyRequest();
		assertThat(request.header("Authorization")).isNull();
		assertThat(request.header("X-Serverless-Authorization")).isNull();
	}

	@Test
	void filterInAPropertiesRouteAddsTheTokenForItsAudience(CapturedOutput output) throws Exception {
		assertThat(get("/yaml/orders", null).statusCode()).isEqualTo(200);
		RecordedRequest request = WebFluxGatewayApplication.other.onlyRequest();
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
		RecordedRequest recorded = WebFluxGatewayApplication.other.onlyRequest();
		assertThat(recorded.header("Authorization")).isEqualTo("Bearer xyz");
		assertThat(recorded.headers("X-Serverless-Authorization")).hasSize(1);
		assertGatewayToken(recorded.bearerToken("X-Serverless-Authorization"), YAML_AUDIENCE);
	}

	@Test
	void filterInAJavaRouteAddsTheTokenForItsAudience() throws Exception {
		assertThat(get("/java/orders", null).statusCode()).isEqualTo(200);
		RecordedRequest request = WebFluxGatewayApplication.other.onlyRequest();
		assertThat(request.path()).isEqualTo("/orders");
		assertGatewayToken(request.bearerToken("Authorization"), WebFluxGatewayApplication.JAVA_AUDIENCE);
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
