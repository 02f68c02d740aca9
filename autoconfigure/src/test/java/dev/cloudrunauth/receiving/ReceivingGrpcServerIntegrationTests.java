package dev.cloudrunauth.receiving;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import dev.cloudrunauth.test.emulator.IdTokenBuilder;
import dev.cloudrunauth.test.emulator.ServiceAccount;
import io.grpc.BindableService;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerAutoConfiguration;
import org.springframework.boot.grpc.server.autoconfigure.health.GrpcServerHealthAutoConfiguration;
import org.springframework.boot.grpc.server.autoconfigure.security.GrpcServerOAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.grpc.server.autoconfigure.security.GrpcServerSecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.OAuth2ResourceServerWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;
import org.springframework.grpc.server.security.AuthenticationProcessInterceptor;
import org.springframework.grpc.server.security.GrpcSecurity;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The receiving side of a servlet application that also serves gRPC: Boot's Netty gRPC
 * server on loopback, its gRPC security with the auto-configured decoder and caller
 * rules, a service defined by hand, tokens from the emulator.
 */
class ReceivingGrpcServerIntegrationTests {

	static final String AUDIENCE = "https://receiving-123456789012.us-central1.run.app";

	static final String CALLER = "calling@emulator-project.iam.gserviceaccount.com";

	static final String OUTSIDER = "outsider@other-project.iam.gserviceaccount.com";

	static final MethodDescriptor<String, String> ECHO = MethodDescriptor.<String, String>newBuilder()
		.setType(MethodDescriptor.MethodType.UNARY)
		.setFullMethodName(MethodDescriptor.generateFullMethodName("test.Echo", "Call"))
		.setRequestMarshaller(StringMarshaller.INSTANCE)
		.setResponseMarshaller(StringMarshaller.INSTANCE)
		.build();

	static final String[] TRUST_MODE = { "cloudrun.auth.receiving.trust-cloud-run-iam=true",
			"cloudrun.auth.receiving.trust-cloud-run-iam-outside-cloud-run=true" };

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();

	@Test
	void allowedCallerIsAnsweredWithItsEmailAsPrincipal() {
		run((channel) -> assertThat(call(channel, tokenFor(CALLER))).isEqualTo("Hello, " + CALLER + "!"));
	}

	@Test
	void callerOutsideAllowedCallersIsRefusedWithPermissionDenied() {
		run((channel) -> assertRefused(channel, tokenFor(OUTSIDER), Status.Code.PERMISSION_DENIED));
	}

	@Test
	void callWithoutTokenIsRefusedWithUnauthenticated() {
		run((channel) -> assertRefused(channel, new Metadata(), Status.Code.UNAUTHENTICATED));
	}

	@Test
	void tokenForAnotherAudienceIsRefusedWithUnauthenticated() {
		run((channel) -> assertRefused(channel,
				idToken().audience("https://other-service.example").serviceAccount(ServiceAccount.of(CALLER)).sign(),
				Status.Code.UNAUTHENTICATED));
	}

	@Test
	void healthCheckNeedsNoToken() {
		run((channel) -> {
			HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
			assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
				.isEqualTo(ServingStatus.SERVING);
		});
	}

	@Test
	void healthCheckIgnoresAStaleToken() {
		run((channel) -> {
			Instant past = Instant.now().minusSeconds(7200);
			String expired = idToken().issuedAt(past).expiresAt(past.plusSeconds(3600)).sign();
			Metadata headers = headers("authorization", "Bearer " + expired);
			HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel)
				.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
			assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
				.isEqualTo(ServingStatus.SERVING);
		});
	}

	@Test
	void tokenInXServerlessAuthorizationIsTakenOverAuthorization() {
		run((channel) -> assertThat(call(channel, headers("x-serverless-authorization", "Bearer " + tokenFor(CALLER),
				"authorization", "Bearer " + tokenFor(OUTSIDER))))
			.isEqualTo("Hello, " + CALLER + "!"));
	}

	@Test
	void repeatedAuthorizationIsRefusedWithUnauthenticated() {
		run((channel) -> assertRefused(channel,
				headers("authorization", "Bearer " + tokenFor(CALLER), "authorization", "Bearer " + tokenFor(CALLER)),
				Status.Code.UNAUTHENTICATED));
	}

	@Test
	void projectPatternAdmitsEveryServiceAccountOfTheProjectOnly() {
		run((channel) -> {
			assertThat(call(channel, tokenFor("any@emulator-project.iam.gserviceaccount.com")))
				.isEqualTo("Hello, any@emulator-project.iam.gserviceaccount.com!");
			assertRefused(channel, tokenFor(OUTSIDER), Status.Code.PERMISSION_DENIED);
		}, "cloudrun.auth.receiving.allowed-callers=*@emulator-project.iam.gserviceaccount.com");
	}

	@Test
	void trustModeAcceptsATokenWhoseSignatureCloudRunRemovedAndStillChecksAllowedCallers() {
		run((channel) -> {
			String unsigned = idToken().serviceAccount(ServiceAccount.of(CALLER)).signWithSignatureRemovedByGoogle();
			assertThat(call(channel, unsigned)).isEqualTo("Hello, " + CALLER + "!");
			assertRefused(channel,
					idToken().serviceAccount(ServiceAccount.of(OUTSIDER)).signWithSignatureRemovedByGoogle(),
					Status.Code.PERMISSION_DENIED);
		}, TRUST_MODE);
	}

	@Test
	void trustModeTakesTheTokenCloudRunCheckedNotAnUnsignedOneBesideIt() {
		// with both sent, Cloud Run checks only x-serverless-authorization and passes
		// authorization on unchecked
		run((channel) -> assertRefused(channel, headers("x-serverless-authorization",
				"Bearer " + idToken().serviceAccount(ServiceAccount.of(OUTSIDER)).signWithSignatureRemovedByGoogle(),
				"authorization",
				"Bearer " + idToken().serviceAccount(ServiceAccount.of(CALLER)).signWithSignatureRemovedByGoogle()),
				Status.Code.PERMISSION_DENIED), TRUST_MODE);
	}

	@Test
	void applicationsOwnGrpcSecurityIsLeftAlone() {
		runner().withPropertyValues("spring.grpc.server.port=0")
			.withUserConfiguration(EchoService.class, OwnGrpcSecurity.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).getBean(AuthenticationProcessInterceptor.class)
					.isSameAs(context.getBean("ownInterceptor"));
			});
	}

	@Test
	void withoutSpringGrpcTheServletSideStartsAlone() {
		runner().withClassLoader(new FilteredClassLoader("org.springframework.grpc", "io.grpc")).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(SecurityFilterChain.class);
			assertThat(context).doesNotHaveBean(AuthenticationProcessInterceptor.class);
		});
	}

	static IdTokenBuilder idToken() {
		return google.emulator().idToken(AUDIENCE);
	}

	static String tokenFor(String email) {
		return idToken().serviceAccount(ServiceAccount.of(email)).sign();
	}

	static String call(Channel channel, String token) {
		return call(channel, headers("authorization", "Bearer " + token));
	}

	static String call(Channel channel, Metadata headers) {
		return ClientCalls.blockingUnaryCall(
				ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)), ECHO,
				CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), "hello");
	}

	static Metadata headers(String... namesAndValues) {
		Metadata headers = new Metadata();
		for (int i = 0; i < namesAndValues.length; i += 2) {
			headers.put(Metadata.Key.of(namesAndValues[i], Metadata.ASCII_STRING_MARSHALLER), namesAndValues[i + 1]);
		}
		return headers;
	}

	static void assertRefused(Channel channel, String token, Status.Code code) {
		assertRefused(channel, headers("authorization", "Bearer " + token), code);
	}

	static void assertRefused(Channel channel, Metadata headers, Status.Code code) {
		assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> call(channel, headers))
			.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(code));
	}

	void run(Consumer<Channel> callback, String... properties) {
		runner().withPropertyValues("spring.grpc.server.port=0")
			.withUserConfiguration(EchoService.class)
			.withPropertyValues(properties)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ManagedChannel channel = channel(context);
				try {
					callback.accept(channel);
				}
				finally {
					channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
				}
			});
	}

	static ManagedChannel channel(AssertableWebApplicationContext context) {
		int port = context.getBean(GrpcServerLifecycle.class).getPort();
		return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
	}

	static WebApplicationContextRunner runner() {
		return new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(CloudRunReceivingAutoConfiguration.class,
					CloudRunReceivingServletAutoConfiguration.class,
					CloudRunReceivingServletWebSecurityAutoConfiguration.class,
					CloudRunReceivingGrpcServerAutoConfiguration.class, SecurityAutoConfiguration.class,
					ServletWebSecurityAutoConfiguration.class, UserDetailsServiceAutoConfiguration.class,
					OAuth2ResourceServerAutoConfiguration.class, OAuth2ResourceServerWebSecurityAutoConfiguration.class,
					SslAutoConfiguration.class, GrpcServerAutoConfiguration.class,
					GrpcServerSecurityAutoConfiguration.class, GrpcServerOAuth2ResourceServerAutoConfiguration.class,
					GrpcServerHealthAutoConfiguration.class))
			.withPropertyValues("spring.grpc.server.address=127.0.0.1", "cloudrun.auth.receiving.audiences=" + AUDIENCE,
					"cloudrun.auth.receiving.allowed-callers=" + CALLER,
					"cloudrun.auth.receiving.jwk-set-uri=" + google.emulator().jwkSetUri());
	}

	@Configuration(proxyBeanMethods = false)
	static class EchoService {

		@Bean
		BindableService echoService() {
			return () -> ServerServiceDefinition.builder("test.Echo")
				.addMethod(ECHO, ServerCalls.asyncUnaryCall((request, response) -> {
					response.onNext("Hello, " + SecurityContextHolder.getContext().getAuthentication().getName() + "!");
					response.onCompleted();
				}))
				.build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnGrpcSecurity {

		@Bean
		@GlobalServerInterceptor
		AuthenticationProcessInterceptor ownInterceptor(GrpcSecurity grpc) throws Exception {
			return grpc.authorizeRequests((requests) -> requests.allRequests().denyAll()).build();
		}

	}

	enum StringMarshaller implements MethodDescriptor.Marshaller<String> {

		INSTANCE;

		@Override
		public InputStream stream(String value) {
			return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
		}

		@Override
		public String parse(InputStream stream) {
			try {
				return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

}
