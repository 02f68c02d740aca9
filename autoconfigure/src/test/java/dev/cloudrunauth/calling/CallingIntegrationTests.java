package dev.cloudrunauth.calling;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.UserCredentials;
import dev.cloudrunauth.test.LoggedTokens;
import dev.cloudrunauth.test.LoopbackResponse;
import dev.cloudrunauth.test.LoopbackServer;
import dev.cloudrunauth.test.RecordedRequest;
import dev.cloudrunauth.test.emulator.EmulatorEndpoint;
import dev.cloudrunauth.test.emulator.Fault;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import dev.cloudrunauth.test.emulator.ServiceAccount;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.boot.restclient.RestTemplateBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.RequestEntity;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.registry.ImportHttpServices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The calling side end to end: clients built from Spring Boot's builders call loopback
 * servers, with tokens minted by google-auth-library-java against the emulator.
 */
@ExtendWith(OutputCaptureExtension.class)
class CallingIntegrationTests {

	private static final String CALLER = "calling@emulator-project.iam.gserviceaccount.com";

	private static final String X_SERVERLESS_AUTHORIZATION = "X-Serverless-Authorization";

	/**
	 * A token forwarded from an incoming request, in the shape Cloud Run hands it to the
	 * application.
	 */
	private static final String FORWARDED = "Bearer eyJhbGciOiJSUzI1NiJ9.eyJlbWFpbCI6InVzZXJAZXhhbXBsZS5jb20ifQ"
			+ ".SIGNATURE_REMOVED_BY_GOOGLE";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension(
			(builder) -> builder.serviceAccount(CALLER));

	static LoopbackServer target;

	static LoopbackServer other;

	@TempDir
	Path dir;

	@BeforeAll
	static void startServers() {
		target = LoopbackServer.start();
		other = LoopbackServer.start();
	}

	@AfterAll
	static void stopServers() {
		target.close();
		other.close();
	}

	@BeforeEach
	void clearServers() {
		target.clear();
		other.clear();
		google.emulator().setTokenLifetime(Duration.ofHours(1));
	}

	@Test
	void restClientFromBootsBuilderSendsAVerifiableTokenForTheTargetAudience() {
		metadataServerRunner().run((context) -> {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			assertThat(client.get().uri(target.url() + "/hello").retrieve().body(String.class)).isEqualTo("ok");
			Jwt jwt = verify(target.onlyRequest().bearerToken("Authorization"));
			assertThat(jwt.getAudience()).containsExactly(target.url());
			assertThat(jwt.getClaimAsString("email")).isEqualTo(CALLER);
			assertThat(target.onlyRequest().header("X-Serverless-Authorization")).isNull();
		});
	}

	@Test
	void restTemplateFromBootsBuilderSendsAToken() {
		metadataServerRunner().run((context) -> {
			context.getBean(RestTemplateBuilder.class).build().getForObject(target.url() + "/hello", String.class);
			assertThat(verify(target.onlyRequest().bearerToken("Authorization")).getAudience())
				.containsExactly(target.url());
		});
	}

	@Test
	void webClientFromBootsBuilderSendsAToken() {
		metadataServerRunner().run((context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			assertThat(client.get().uri(target.url() + "/hello").retrieve().bodyToMono(String.class).block())
				.isEqualTo("ok");
			assertThat(verify(target.onlyRequest().bearerToken("Authorization")).getAudience())
				.containsExactly(target.url());
		});
	}

	@Test
	void httpInterfaceClientSendsAToken() {
		metadataServerRunner().withUserConfiguration(HttpServicesConfiguration.class)
			.withPropertyValues("spring.http.serviceclient.receiving.base-url=" + target.url())
			.run((context) -> {
				assertThat(context.getBean(HelloService.class).hello()).isEqualTo("ok");
				assertThat(verify(target.onlyRequest().bearerToken("Authorization")).getAudience())
					.containsExactly(target.url());
			});
	}

	@Test
	void requestsToOtherHostsGetNoTokenAndNoHeaderChange() {
		metadataServerRunner().run((context) -> {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			client.get()
				.uri(other.url() + "/x")
				.header("Authorization", "Basic dXNlcjpwYXNz")
				.retrieve()
				.toBodilessEntity();
			client.get().uri(other.url() + "/y").retrieve().toBodilessEntity();
			context.getBean(WebClient.Builder.class)
				.build()
				.get()
				.uri(other.url() + "/z")
				.retrieve()
				.toBodilessEntity()
				.block();
			assertThat(other.requests()).hasSize(3);
			assertThat(other.requests().get(0).headers("Authorization")).containsExactly("Basic dXNlcjpwYXNz");
			assertThat(other.requests().get(0).header("X-Serverless-Authorization")).isNull();
			assertThat(other.requests().get(1).header("Authorization")).isNull();
			assertThat(other.requests().get(2).header("Authorization")).isNull();
			assertThat(google.emulator().idTokensMinted()).isZero();
		});
	}

	@Test
	void pathOutsideTheTargetPathGetsNoToken() {
		metadataServerRunner("cloudrun.auth.calling.targets.receiving.url=" + target.url() + "/api").run((context) -> {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			client.get().uri(target.url() + "/api/orders").retrieve().toBodilessEntity();
			client.get().uri(target.url() + "/apiary").retrieve().toBodilessEntity();
			assertThat(target.requests().get(0).header("Authorization")).startsWith("Bearer ");
			assertThat(target.requests().get(1).header("Authorization")).isNull();
		});
	}

	@Test
	void dotSegmentsInAnySpellingThatLeaveTheTargetPathGetNoToken() {
		metadataServerRunner("cloudrun.auth.calling.targets.receiving.url=" + target.url() + "/api").run((context) -> {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			List<String> escaping = List.of("/api/%2e%2e/other", "/api/.%2e/other", "/api/..%2fother",
					"/api/..;/other");
			for (String path : escaping) {
				client.get().uri(URI.create(target.url() + path)).retrieve().toBodilessEntity();
			}
			client.get().uri(URI.create(target.url() + "/api/%2e/orders")).retrieve().toBodilessEntity();
			List<RecordedRequest> requests = target.requests();
			assertThat(requests).hasSize(escaping.size() + 1);
			assertThat(requests.subList(0, escaping.size()))
				.allSatisfy((request) -> assertThat(request.header("Authorization")).as(request.path()).isNull());
			verify(requests.get(escaping.size()).bearerToken("Authorization"));
		});
	}

	@Test
	void xServerlessAuthorizationModeCarriesTheTokenThere() {
		metadataServerRunner("cloudrun.auth.calling.header=x-serverless-authorization").run((context) -> {
			context.getBean(RestClient.Builder.class)
				.build()
				.get()
				.uri(target.url() + "/hello")
				.retrieve()
				.toBodilessEntity();
			verify(target.onlyRequest().bearerToken("X-Serverless-Authorization"));
			assertThat(target.onlyRequest().header("Authorization")).isNull();
		});
	}

	@Test
	void applicationsOwnAuthorizationHeaderIsKeptAndTheTokenGoesInXServerlessAuthorization() {
		metadataServerRunner().run((context) -> {
			context.getBean(RestClient.Builder.class)
				.build()
				.get()
				.uri(target.url() + "/hello")
				.header("Authorization", "Bearer app-own-credential")
				.retrieve()
				.toBodilessEntity();
			context.getBean(WebClient.Builder.class)
				.build()
				.get()
				.uri(target.url() + "/hello")
				.header("Authorization", "Bearer app-own-credential")
				.retrieve()
				.toBodilessEntity()
				.block();
			for (RecordedRequest request : target.requests()) {
				assertThat(request.headers("Authorization")).containsExactly("Bearer app-own-credential");
				verify(request.bearerToken("X-Serverless-Authorization"));
			}
			assertThat(target.requests()).hasSize(2);
		});
	}

	@Test
	void restClientRequestForwardingXServerlessAuthorizationGetsNoTokenAndIsReportedOnce(CapturedOutput output) {
		metadataServerRunner().run((context) -> {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			client.get()
				.uri(target.url() + "/hello")
				.header(X_SERVERLESS_AUTHORIZATION, FORWARDED)
				.retrieve()
				.toBodilessEntity();
			client.get()
				.uri(target.url() + "/hello")
				.header(X_SERVERLESS_AUTHORIZATION, FORWARDED)
				.header("Authorization", "Basic dXNlcjpwYXNz")
				.retrieve()
				.toBodilessEntity();
		});
		assertForwardedCredentialsOnly(output, 2);
		assertThat(target.requests().get(1).headers("Authorization")).containsExactly("Basic dXNlcjpwYXNz");
	}

	@Test
	void restTemplateRequestForwardingXServerlessAuthorizationGetsNoTokenAndIsReportedOnce(CapturedOutput output) {
		metadataServerRunner().run((context) -> {
			RestTemplate restTemplate = context.getBean(RestTemplateBuilder.class).build();
			for (int i = 0; i < 2; i++) {
				restTemplate.exchange(RequestEntity.get(URI.create(target.url() + "/hello"))
					.header(X_SERVERLESS_AUTHORIZATION, FORWARDED)
					.build(), String.class);
			}
		});
		assertForwardedCredentialsOnly(output, 2);
	}

	@Test
	void webClientRequestForwardingXServerlessAuthorizationGetsNoTokenAndIsReportedOnce(CapturedOutput output) {
		metadataServerRunner().run((context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			for (int i = 0; i < 2; i++) {
				client.get()
					.uri(target.url() + "/hello")
					.header(X_SERVERLESS_AUTHORIZATION, FORWARDED)
					.retrieve()
					.toBodilessEntity()
					.block();
			}
		});
		assertForwardedCredentialsOnly(output, 2);
	}

	@Test
	void xServerlessAuthorizationModeLeavesAForwardedOneAloneAndReportsItOnce(CapturedOutput output) {
		metadataServerRunner("cloudrun.auth.calling.header=x-serverless-authorization").run((context) -> {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			for (int i = 0; i < 2; i++) {
				client.get()
					.uri(target.url() + "/hello")
					.header(X_SERVERLESS_AUTHORIZATION, FORWARDED)
					.retrieve()
					.toBodilessEntity();
			}
		});
		assertForwardedCredentialsOnly(output, 2);
	}

	@Test
	void redirectFromATargetToAnotherOriginIsNotFollowedSoTheTokenStaysHome() {
		target.respond("/moved", LoopbackResponse.status(302).withHeader("Location", other.url() + "/stolen"));
		metadataServerRunner("cloudrun.auth.calling.header=x-serverless-authorization").run((context) -> {
			ResponseEntity<Void> restClient = context.getBean(RestClient.Builder.class)
				.build()
				.get()
				.uri(target.url() + "/moved")
				.retrieve()
				.toBodilessEntity();
			ResponseEntity<String> restTemplate = context.getBean(RestTemplateBuilder.class)
				.build()
				.getForEntity(target.url() + "/moved", String.class);
			HttpStatusCode webClient = context.getBean(WebClient.Builder.class)
				.build()
				.get()
				.uri(target.url() + "/moved")
				.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode()))
				.block();
			assertThat(restClient.getStatusCode().value()).isEqualTo(302);
			assertThat(restTemplate.getStatusCode().value()).isEqualTo(302);
			assertThat(webClient.value()).isEqualTo(302);
			assertThat(target.requests()).hasSize(3);
			assertThat(other.requests()).isEmpty();
		});
	}

	@Test
	void requestFactorySetByHandOnBootsBuilderSendsNoTokenUntilWrapped() {
		metadataServerRunner().run((context) -> {
			ClientHttpRequestFactory own = new JdkClientHttpRequestFactory();
			context.getBean(RestClient.Builder.class)
				.requestFactory(own)
				.build()
				.get()
				.uri(target.url() + "/hello")
				.retrieve()
				.toBodilessEntity();
			ClientHttpRequestFactory wrapped = new CallingTargetsClientHttpRequestFactory(own,
					() -> ClientHttpRequestFactoryBuilder.jdk()
						.build(HttpClientSettings.defaults().withRedirects(HttpRedirects.DONT_FOLLOW)),
					context.getBean(CallingTargets.class), context.getBean(IdTokenSource.class));
			context.getBean(RestClient.Builder.class)
				.requestFactory(wrapped)
				.build()
				.get()
				.uri(target.url() + "/hello")
				.retrieve()
				.toBodilessEntity();
			assertThat(target.requests()).hasSize(2);
			assertThat(target.requests().get(0).header("Authorization")).isNull();
			verify(target.requests().get(1).bearerToken("Authorization"));
		});
	}

	@Test
	void redirectsOfRequestsToOtherHostsAreStillFollowed() {
		other.respond("/moved", LoopbackResponse.status(302).withHeader("Location", other.url() + "/here"));
		metadataServerRunner().run((context) -> {
			assertThat(context.getBean(RestClient.Builder.class)
				.build()
				.get()
				.uri(other.url() + "/moved")
				.retrieve()
				.body(String.class)).isEqualTo("ok");
			assertThat(other.requests()).extracting(RecordedRequest::path).containsExactly("/moved", "/here");
		});
	}

	@Test
	void serviceAccountKeyFileMintsTokens() throws Exception {
		GoogleIdentityEmulator emulator = google.emulator();
		ServiceAccount keyAccount = emulator.serviceAccount("keyfile@emulator-project.iam.gserviceaccount.com");
		Path key = emulator.writeServiceAccountKey(keyAccount, this.dir.resolve("key.json"));
		runner()
			.withPropertyValues("cloudrun.auth.calling.credentials-location=file:" + key,
					"cloudrun.auth.calling.targets.receiving.url=" + target.url())
			.run((context) -> {
				context.getBean(RestClient.Builder.class)
					.build()
					.get()
					.uri(target.url() + "/hello")
					.retrieve()
					.toBodilessEntity();
				Jwt jwt = verify(target.onlyRequest().bearerToken("Authorization"));
				assertThat(jwt.getClaimAsString("email")).isEqualTo(keyAccount.email());
				assertThat(emulator.requests(EmulatorEndpoint.OAUTH_TOKEN)).isEqualTo(1);
				assertThat(emulator.requests(EmulatorEndpoint.METADATA)).isZero();
			});
	}

	@Test
	void impersonationMintsTokensOfTheImpersonatedServiceAccountWithItsEmail() {
		GoogleIdentityEmulator emulator = google.emulator();
		ServiceAccount invoker = emulator.serviceAccount("invoker@emulator-project.iam.gserviceaccount.com");
		metadataServerRunner("cloudrun.auth.calling.impersonate-service-account=" + invoker.email()).run((context) -> {
			context.getBean(RestClient.Builder.class)
				.build()
				.get()
				.uri(target.url() + "/hello")
				.retrieve()
				.toBodilessEntity();
			Jwt jwt = verify(target.onlyRequest().bearerToken("Authorization"));
			assertThat(jwt.getClaimAsString("email")).isEqualTo(invoker.email());
			assertThat(jwt.getSubject()).isEqualTo(invoker.uniqueId());
			assertThat(emulator.requests(EmulatorEndpoint.IAM_CREDENTIALS)).isEqualTo(1);
		});
	}

	@Test
	void sixtyFourConcurrentThreadsOverManyRequestsCauseOneMintPerAudience() {
		LoopbackServer second = LoopbackServer.start();
		try {
			metadataServerRunner("cloudrun.auth.calling.targets.second.url=" + second.url()).run((context) -> {
				RestClient client = context.getBean(RestClient.Builder.class).build();
				ExecutorService threads = Executors.newFixedThreadPool(64);
				try {
					CountDownLatch start = new CountDownLatch(1);
					List<Future<?>> calls = new ArrayList<>();
					for (int i = 0; i < 640; i++) {
						String url = ((i % 2 == 0) ? target.url() : second.url()) + "/hello";
						calls.add(threads.submit(() -> {
							start.await();
							return client.get().uri(url).retrieve().body(String.class);
						}));
					}
					start.countDown();
					for (Future<?> call : calls) {
						assertThat(call.get(60, TimeUnit.SECONDS)).isEqualTo("ok");
					}
				}
				finally {
					threads.shutdownNow();
				}
				assertThat(google.emulator().idTokensMinted(target.url())).isEqualTo(1);
				assertThat(google.emulator().idTokensMinted(second.url())).isEqualTo(1);
				assertThat(target.requests()).hasSize(320)
					.allSatisfy((request) -> assertThat(request.header("Authorization")).startsWith("Bearer "));
			});
		}
		finally {
			second.close();
		}
	}

	@Test
	void shortLivedTokensAreRefreshedAheadOfExpirySoNoCallWaitsForAMint() {
		GoogleIdentityEmulator emulator = google.emulator();
		emulator.setTokenLifetime(Duration.ofSeconds(4));
		metadataServerRunner("cloudrun.auth.calling.refresh-before-expiry=2s").run((context) -> {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			long end = System.nanoTime() + Duration.ofSeconds(9).toNanos();
			while (System.nanoTime() < end) {
				assertThat(client.get().uri(target.url() + "/hello").retrieve().body(String.class)).isEqualTo("ok");
				Thread.sleep(20);
			}
			long mints = emulator.idTokensMinted(target.url());
			List<RecordedRequest> calls = target.requests();
			IdTokenCache.Statistics statistics = context.getBean(GoogleIdTokenSource.class).cache().statistics();
			assertThat(statistics.misses.sum()).as("calls that waited for a mint").isEqualTo(1);
			assertThat(statistics.failures.sum()).isZero();
			assertThat(mints).as("a mint every 1.5 to 2 s over 9 s").isBetween(4L, 7L);
			NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(emulator.jwkSetUri()).build();
			assertThat(calls)
				.allSatisfy((request) -> assertThat(decoder.decode(request.bearerToken("Authorization")).getExpiresAt())
					.isAfter(request.receivedAt()));
			assertThat(calls.stream().map((request) -> request.header("Authorization")).distinct().count())
				.isBetween(mints - 1, mints);
		});
	}

	@Test
	void metadataServerErrorWithoutATokenFailsTheCallClearlyAndSendsNothing() {
		google.emulator().inject(EmulatorEndpoint.METADATA, Fault.httpStatus(503));
		assertCallFailsWithoutSending("503");
	}

	@Test
	void unreachableMetadataServerWithoutATokenFailsTheCallClearlyAndSendsNothing() {
		google.emulator().inject(EmulatorEndpoint.METADATA, Fault.refuseConnections());
		assertCallFailsWithoutSending("Connection refused");
	}

	@Test
	void slowMetadataServerWithoutATokenFailsTheCallAfterTheTimeout() {
		google.emulator().inject(EmulatorEndpoint.METADATA, Fault.delay(Duration.ofSeconds(5)));
		metadataServerRunner("cloudrun.auth.calling.timeout=500ms").run((context) -> {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			long start = System.nanoTime();
			assertThatExceptionOfType(IdTokenUnavailableException.class)
				.isThrownBy(() -> client.get().uri(target.url() + "/hello").retrieve().toBodilessEntity())
				.withMessageContaining("timed out after 500 ms");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
			assertThat(target.requests()).isEmpty();
		});
	}

	@Test
	void mintFailuresWhileATokenIsValidDoNotFailCalls() {
		GoogleIdentityEmulator emulator = google.emulator();
		emulator.setTokenLifetime(Duration.ofSeconds(6));
		metadataServerRunner("cloudrun.auth.calling.refresh-before-expiry=3s",
				"cloudrun.auth.calling.backoff.initial=200ms", "cloudrun.auth.calling.backoff.max=400ms")
			.run((context) -> {
				RestClient client = context.getBean(RestClient.Builder.class).build();
				client.get().uri(target.url() + "/hello").retrieve().toBodilessEntity();
				emulator.inject(EmulatorEndpoint.METADATA, Fault.httpStatus(500));
				long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
				while (System.nanoTime() < end) {
					client.get().uri(target.url() + "/hello").retrieve().toBodilessEntity();
					Thread.sleep(50);
				}
				IdTokenCache.Statistics statistics = context.getBean(GoogleIdTokenSource.class).cache().statistics();
				assertThat(statistics.failures.sum()).as("failed background refreshes").isGreaterThanOrEqualTo(2);
				emulator.clearFault(EmulatorEndpoint.METADATA);
				client.get().uri(target.url() + "/hello").retrieve().toBodilessEntity();
				assertThat(target.requests())
					.allSatisfy((request) -> assertThat(request.header("Authorization")).startsWith("Bearer "));
			});
	}

	@Test
	void webClientCallFailsWithTheSameExceptionAndSendsNothing() {
		google.emulator().inject(EmulatorEndpoint.METADATA, Fault.httpStatus(503));
		metadataServerRunner().run((context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			assertThatExceptionOfType(IdTokenUnavailableException.class)
				.isThrownBy(() -> client.get().uri(target.url() + "/hello").retrieve().toBodilessEntity().block())
				.satisfies((ex) -> assertThat(ex.getTarget()).isEqualTo("receiving"));
			assertThat(target.requests()).isEmpty();
		});
	}

	@Test
	void userCredentialsFailWithTheFixNamed() {
		GoogleCredentials user = UserCredentials.newBuilder()
			.setClientId("client-id")
			.setClientSecret("client-secret")
			.setRefreshToken("refresh-token")
			.build();
		runner().withBean(GoogleCredentials.class, () -> user)
			.withPropertyValues("cloudrun.auth.calling.targets.receiving.url=" + target.url())
			.run((context) -> {
				RestClient client = context.getBean(RestClient.Builder.class).build();
				assertThatExceptionOfType(IdTokenUnavailableException.class)
					.isThrownBy(() -> client.get().uri(target.url() + "/hello").retrieve().toBodilessEntity())
					.withMessageContaining("user credentials")
					.withMessageContaining("cloudrun.auth.calling.impersonate-service-account");
				assertThat(target.requests()).isEmpty();
			});
	}

	private void assertCallFailsWithoutSending(String cause) {
		metadataServerRunner().run((context) -> {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			assertThatExceptionOfType(IdTokenUnavailableException.class)
				.isThrownBy(() -> client.get().uri(target.url() + "/hello").retrieve().toBodilessEntity())
				.satisfies((ex) -> {
					assertThat(ex.getTarget()).isEqualTo("receiving");
					assertThat(ex.getAudience()).isEqualTo(target.url());
					assertThat(ex.getMessage()).contains("Call to target 'receiving' not sent", target.url(),
							"ComputeEngineCredentials", cause);
				});
			assertThat(target.requests()).isEmpty();
		});
	}

	private void assertForwardedCredentialsOnly(CapturedOutput output, int calls) {
		// header values stay out of assertion messages: they may be minted tokens
		assertThat(target.requests()).hasSize(calls).allSatisfy((request) -> {
			assertThat(request.headers(X_SERVERLESS_AUTHORIZATION).equals(List.of(FORWARDED)))
				.as("only the forwarded X-Serverless-Authorization in %s", request)
				.isTrue();
			assertThat(request.headers("Authorization").stream().anyMatch((value) -> value.startsWith("Bearer ")))
				.as("a bearer token in Authorization of %s", request)
				.isFalse();
		});
		assertThat(google.emulator().idTokensMinted()).isZero();
		assertThat(IdTokenHeadersTests.warnings(output, "receiving")).isEqualTo(1);
		assertThat(output.getAll()).doesNotContain(FORWARDED.substring("Bearer ".length()));
		assertThat(LoggedTokens.find(output.getAll())).isEmpty();
	}

	private ApplicationContextRunner metadataServerRunner(String... properties) {
		return CallingContexts.metadataServer(google.emulator())
			.withPropertyValues("cloudrun.auth.calling.targets.receiving.url=" + target.url())
			.withPropertyValues(properties);
	}

	private ApplicationContextRunner runner() {
		return CallingContexts.withBuilders(google.emulator());
	}

	private static Jwt verify(String token) {
		return NimbusJwtDecoder.withJwkSetUri(google.emulator().jwkSetUri()).build().decode(token);
	}

	@HttpExchange
	interface HelloService {

		@GetExchange("/hello")
		String hello();

	}

	@Configuration(proxyBeanMethods = false)
	@ImportHttpServices(group = "receiving", types = HelloService.class)
	static class HttpServicesConfiguration {

	}

}
