package dev.cloudrunauth.sample.calling;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.util.Arrays;
import java.util.Date;
import java.util.Set;
import java.util.TreeSet;

import com.google.auth.http.HttpTransportFactory;
import com.google.auth.oauth2.ComputeEngineCredentials;
import com.google.auth.oauth2.GoogleCredentials;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.cloudrunauth.test.LoopbackResponse;
import dev.cloudrunauth.test.LoopbackServer;
import dev.cloudrunauth.test.RecordedRequest;
import dev.cloudrunauth.test.emulator.EmulatorHttpTransportFactory;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The calling service against a stand-in receiving service that verifies the ID token
 * against the emulator. The service has the calling starter and one target, nothing else:
 * no Spring Security, so its own endpoints stay open. This class path mirrors its runtime
 * one there (no test dependency brings Spring Security); the end-to-end tests check the
 * jar's own.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
class CallingApplicationTests {

	private static final String CALLER = "calling@demo.iam.gserviceaccount.com";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension(
			(builder) -> builder.serviceAccount(CALLER));

	static LoopbackServer receiving;

	@BeforeAll
	static void startReceiving() {
		receiving = LoopbackServer.start(CallingApplicationTests::receive);
	}

	@AfterAll
	static void stopReceiving() {
		receiving.close();
	}

	@DynamicPropertySource
	static void receivingUrl(DynamicPropertyRegistry registry) {
		registry.add("cloudrun.auth.calling.targets.receiving.url", CallingApplicationTests::receivingUrl);
	}

	@LocalServerPort
	int port;

	@Autowired
	ConfigurableApplicationContext context;

	@Test
	void springSecurityIsNotOnTheClassPath() {
		ClassLoader loader = getClass().getClassLoader();
		assertThat(ClassUtils.isPresent("org.springframework.security.core.Authentication", loader)).isFalse();
		assertThat(ClassUtils.isPresent("org.springframework.security.web.SecurityFilterChain", loader)).isFalse();
		assertThat(ClassUtils.isPresent("org.springframework.security.oauth2.jwt.JwtDecoder", loader)).isFalse();
	}

	@Test
	void startsWithOnlyATargetConfigured() {
		Set<String> properties = new TreeSet<>();
		this.context.getEnvironment()
			.getPropertySources()
			.stream()
			.filter(EnumerablePropertySource.class::isInstance)
			.flatMap((source) -> Arrays.stream(((EnumerablePropertySource<?>) source).getPropertyNames()))
			.filter((name) -> name.startsWith("cloudrun.auth."))
			.forEach(properties::add);
		assertThat(properties).containsExactly("cloudrun.auth.calling.targets.receiving.url");
		assertThat(this.context.getBeanFactory().getBeanNamesIterator()).toIterable()
			.noneMatch((name) -> name.equals("springSecurityFilterChain"))
			.noneMatch((name) -> isReceivingBean(name));
	}

	@Test
	void ownEndpointsAnswerWithoutAuthentication() throws Exception {
		HttpResponse<String> health = get("/actuator/health");
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(health.body()).contains("\"status\":\"UP\"");
		HttpResponse<String> hello = get("/");
		assertThat(hello.statusCode()).isEqualTo(200);
		// the headers Spring Security writes on every response it handles
		assertThat(hello.headers().map()).doesNotContainKeys("x-content-type-options", "x-frame-options",
				"www-authenticate");
	}

	@Test
	void restClientCallCarriesTheCallersToken() throws Exception {
		HttpResponse<String> response = get("/");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("Response from receiving service: Hello, " + CALLER + "!");
	}

	@Test
	void webClientCallCarriesTheCallersToken() throws Exception {
		HttpResponse<String> response = get("/reactive");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("Response from receiving service: Hello, " + CALLER + "!");
	}

	@Test
	void reportsPassTheReceivingServicesStatusThrough() throws Exception {
		HttpResponse<String> response = get("/reports");
		assertThat(response.statusCode()).isEqualTo(403);
	}

	private HttpResponse<String> get(String path) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
					HttpResponse.BodyHandlers.ofString());
	}

	private boolean isReceivingBean(String name) {
		Class<?> type = this.context.getBeanFactory().getType(name, false);
		return type != null && type.getName().startsWith("dev.cloudrunauth.receiving.");
	}

	private static String receivingUrl() {
		return receiving.url();
	}

	private static LoopbackResponse receive(RecordedRequest request) {
		String authorization = request.header("Authorization");
		int status;
		String body;
		try {
			JWTClaimsSet claims = verified(authorization.substring("Bearer ".length()));
			boolean forUs = claims.getAudience().contains(receivingUrl());
			boolean reports = request.path().equals("/reports");
			status = !forUs ? 401 : reports ? 403 : 200;
			body = (status == 200) ? "Hello, " + claims.getStringClaim("email") + "!" : "";
		}
		catch (ParseException | JOSEException | RuntimeException ex) {
			status = 401;
			body = "";
		}
		return LoopbackResponse.text(status, body);
	}

	private static JWTClaimsSet verified(String token) throws ParseException, JOSEException {
		SignedJWT jwt = SignedJWT.parse(token);
		RSASSAVerifier verifier = new RSASSAVerifier(google.emulator().keys().publicKey(jwt.getHeader().getKeyID()));
		JWTClaimsSet claims = jwt.getJWTClaimsSet();
		if (!jwt.verify(verifier) || !claims.getExpirationTime().after(new Date())) {
			throw new IllegalArgumentException("Not a valid token");
		}
		return claims;
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class EmulatedMetadataServer {

		@Bean
		HttpTransportFactory emulatorTransport() {
			return new EmulatorHttpTransportFactory(google.emulator());
		}

		@Bean
		GoogleCredentials metadataServerCredentials(HttpTransportFactory emulatorTransport) {
			return ComputeEngineCredentials.newBuilder().setHttpTransportFactory(emulatorTransport).build();
		}

	}

}
