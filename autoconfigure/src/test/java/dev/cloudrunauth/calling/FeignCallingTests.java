package dev.cloudrunauth.calling;

import dev.cloudrunauth.test.LoggedTokens;
import dev.cloudrunauth.test.LoopbackResponse;
import dev.cloudrunauth.test.LoopbackServer;
import dev.cloudrunauth.test.RecordedRequest;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import feign.Capability;
import feign.Feign;
import feign.Headers;
import feign.Param;
import feign.RequestInterceptor;
import feign.RequestLine;
import feign.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Feign clients, built as Spring Cloud OpenFeign builds them (every
 * {@code RequestInterceptor} and {@code Capability} bean added), get ID tokens for
 * targets only, by the same header rules as the other clients, and never follow a
 * redirect from a target.
 */
@ExtendWith(OutputCaptureExtension.class)
class FeignCallingTests {

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();

	static LoopbackServer target;

	static LoopbackServer other;

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
	void clear() {
		target.clear();
		other.clear();
	}

	@Test
	void aRequestToATargetCarriesATokenForItsAudience() {
		run((context) -> {
			client(context, target.url() + "/api").hello();
			RecordedRequest request = target.onlyRequest();
			Jwt token = verify(request.bearerToken("Authorization"));
			assertThat(token.getAudience()).containsExactly("https://receiving.example");
			assertThat(request.header("X-Serverless-Authorization")).isNull();
		});
	}

	@Test
	void aRequestToAnythingElseCarriesNoToken() {
		run((context) -> {
			client(context, other.url()).hello();
			client(context, target.url() + "/elsewhere").hello();
			assertThat(other.onlyRequest().header("Authorization")).isNull();
			assertThat(target.onlyRequest().header("Authorization")).isNull();
			assertThat(google.emulator().idTokensMinted()).isZero();
		});
	}

	@Test
	void theApplicationsOwnAuthorizationIsKeptAndTheTokenGoesInXServerlessAuthorization() {
		run((context) -> {
			client(context, target.url() + "/api").helloAs("Basic YXBwOm93bg==");
			RecordedRequest request = target.onlyRequest();
			assertThat(request.header("Authorization")).isEqualTo("Basic YXBwOm93bg==");
			assertThat(verify(request.bearerToken("X-Serverless-Authorization")).getAudience())
				.containsExactly("https://receiving.example");
		});
	}

	@Test
	void aRequestThatAlreadyCarriesXServerlessAuthorizationGetsNoToken(CapturedOutput output) {
		String forwarded = "Bearer " + google.emulator().idToken("https://another.example").sign();
		run((context) -> {
			client(context, target.url() + "/api").forwarding(forwarded);
			RecordedRequest request = target.onlyRequest();
			assertThat(request.header("X-Serverless-Authorization")).isEqualTo(forwarded);
			assertThat(request.header("Authorization")).isNull();
		});
		assertThat(LoggedTokens.find(output.getAll())).isEmpty();
	}

	@Test
	void aRedirectFromATargetIsNotFollowed() {
		target.respond("/api/hello",
				LoopbackResponse.status(302).withHeader("Location", other.url() + "/collect?from=target"));
		try {
			run((context) -> {
				Response response = client(context, target.url() + "/api").raw();
				assertThat(response.status()).isEqualTo(302);
				assertThat(other.requests()).isEmpty();
			});
		}
		finally {
			target.respond("/api/hello", LoopbackResponse.text(200, "ok"));
		}
	}

	@Test
	void aTokenThatCannotBeHadFailsTheCallNamingTheTarget() {
		google.emulator()
			.inject(dev.cloudrunauth.test.emulator.EmulatorEndpoint.METADATA,
					dev.cloudrunauth.test.emulator.Fault.httpStatus(503));
		try {
			run((context) -> {
				assertThatExceptionOfType(IdTokenUnavailableException.class)
					.isThrownBy(() -> client(context, target.url() + "/api").hello())
					.withMessageContaining("receiving");
				assertThat(target.requests()).isEmpty();
			});
		}
		finally {
			google.emulator().clearFault(dev.cloudrunauth.test.emulator.EmulatorEndpoint.METADATA);
		}
	}

	@Test
	void withoutFeignThereIsNoFeignBean() {
		CallingContexts.metadataServer(google.emulator())
			.withClassLoader(new FilteredClassLoader("feign."))
			.withPropertyValues(properties())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean("idTokenFeignRequestInterceptor");
			});
	}

	private static void run(ContextCallback callback) {
		ApplicationContextRunner runner = CallingContexts.metadataServer(google.emulator())
			.withPropertyValues(properties());
		runner.run((context) -> {
			assertThat(context).hasNotFailed();
			callback.run(context);
		});
	}

	private static String[] properties() {
		return new String[] { "cloudrun.auth.calling.targets.receiving.url=" + target.url() + "/api",
				"cloudrun.auth.calling.targets.receiving.audience=https://receiving.example" };
	}

	/**
	 * A client built as Spring Cloud OpenFeign's {@code FeignClientFactoryBean} builds
	 * one: with every {@code RequestInterceptor} and {@code Capability} bean.
	 */
	private static Api client(ApplicationContext context, String url) {
		Feign.Builder builder = Feign.builder();
		context.getBeansOfType(RequestInterceptor.class).values().forEach(builder::requestInterceptor);
		context.getBeansOfType(Capability.class).values().forEach(builder::addCapability);
		return builder.target(Api.class, url);
	}

	private static Jwt verify(String token) {
		return NimbusJwtDecoder.withJwkSetUri(google.emulator().jwkSetUri()).build().decode(token);
	}

	interface Api {

		@RequestLine("GET /hello")
		String hello();

		@RequestLine("GET /hello")
		Response raw();

		@RequestLine("GET /hello")
		@Headers("Authorization: {authorization}")
		String helloAs(@Param("authorization") String authorization);

		@RequestLine("GET /hello")
		@Headers("X-Serverless-Authorization: {value}")
		String forwarding(@Param("value") String value);

	}

	@FunctionalInterface
	interface ContextCallback {

		void run(ApplicationContext context) throws Exception;

	}

}
