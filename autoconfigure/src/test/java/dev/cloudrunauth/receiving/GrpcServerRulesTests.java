package dev.cloudrunauth.receiving;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import dev.cloudrunauth.test.emulator.ServiceAccount;
import io.grpc.BindableService;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerAutoConfiguration;
import org.springframework.boot.grpc.server.autoconfigure.health.GrpcServerHealthAutoConfiguration;
import org.springframework.boot.grpc.server.autoconfigure.security.GrpcServerOAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.grpc.server.autoconfigure.security.GrpcServerSecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.OAuth2ResourceServerWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.reactive.ReactiveOAuth2ResourceServerWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.runner.AbstractApplicationContextRunner;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;
import org.springframework.grpc.server.security.AuthenticationProcessInterceptor;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.context.SecurityContextHolder;

import static dev.cloudrunauth.receiving.ReceivingGrpcServerIntegrationTests.AUDIENCE;
import static dev.cloudrunauth.receiving.ReceivingGrpcServerIntegrationTests.CALLER;
import static dev.cloudrunauth.receiving.ReceivingGrpcServerIntegrationTests.ECHO;
import static dev.cloudrunauth.receiving.ReceivingGrpcServerIntegrationTests.OUTSIDER;
import static dev.cloudrunauth.receiving.ReceivingGrpcServerIntegrationTests.StringMarshaller;
import static dev.cloudrunauth.receiving.ReceivingGrpcServerIntegrationTests.headers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The receiving rules of gRPC calls beyond the service's callers: path rules by full
 * method name, {@code @PreAuthorize} and {@code @AllowCallers} on service methods (a
 * service shaped like protoc's, its final {@code bindService()} in a shared base class),
 * in servlet, WebFlux and gRPC-only applications.
 */
class GrpcServerRulesTests {

	static final String ORDERS_AUDIENCE = "https://orders-grpc.example";

	static final String ORDERS_CALLER = "orders@emulator-project.iam.gserviceaccount.com";

	static final String AUDITOR = "auditor@emulator-project.iam.gserviceaccount.com";

	static final MethodDescriptor<String, String> CREATE = method("test.Orders", "Create");

	static final MethodDescriptor<String, String> LIST = method("test.Orders", "List");

	static final MethodDescriptor<String, String> AUDIT = method("test.Audit", "Read");

	static final String[] ORDERS_RULE = { "cloudrun.auth.receiving.paths.orders.pattern=/test.Orders/**",
			"cloudrun.auth.receiving.paths.orders.audiences=" + ORDERS_AUDIENCE,
			"cloudrun.auth.receiving.paths.orders.allowed-callers=" + ORDERS_CALLER };

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();

	@Nested
	class Servlet {

		@Test
		void pathRuleByFullMethodNameTakesItsAudiencesAndCallers() {
			run(servlet(), GrpcServerRulesTests::assertOrdersRule, ORDERS_RULE);
		}

		@Test
		void preAuthorizeAndAllowCallersOnServiceMethods() {
			run(servlet(), AnnotatedServices.class, GrpcServerRulesTests::assertMethodRules,
					"cloudrun.auth.receiving.allowed-callers=" + CALLER + "," + AUDITOR + "," + ORDERS_CALLER);
		}

	}

	@Nested
	class Reactive {

		@Test
		void callsAreVerifiedAndCallersChecked() {
			run(reactive(), GrpcServerRulesTests::assertServiceCallers);
		}

		@Test
		void pathRuleByFullMethodNameTakesItsAudiencesAndCallers() {
			run(reactive(), GrpcServerRulesTests::assertOrdersRule, ORDERS_RULE);
		}

		@Test
		void noAllowedCallersFailsStartupNamingTheProperty() {
			reactive().withUserConfiguration(Services.class)
				.withPropertyValues("spring.grpc.server.port=0", "cloudrun.auth.receiving.allowed-callers=")
				.run((context) -> assertThat(context).getFailure()
					.hasMessageContaining("cloudrun.auth.receiving.allowed-callers"));
		}

	}

	@Nested
	class GrpcOnly {

		@Test
		void callsAreVerifiedAndCallersChecked() {
			run(grpcOnly(), GrpcServerRulesTests::assertServiceCallers);
		}

		@Test
		void pathRuleByFullMethodNameTakesItsAudiencesAndCallers() {
			run(grpcOnly(), GrpcServerRulesTests::assertOrdersRule, ORDERS_RULE);
		}

		@Test
		void preAuthorizeAndAllowCallersOnServiceMethods() {
			run(grpcOnly(), AnnotatedServices.class, GrpcServerRulesTests::assertMethodRules,
					"cloudrun.auth.receiving.allowed-callers=" + CALLER + "," + AUDITOR + "," + ORDERS_CALLER);
		}

		@Test
		void noAllowedCallersFailsStartupNamingTheProperty() {
			grpcOnly().withUserConfiguration(Services.class)
				.withPropertyValues("spring.grpc.server.port=0", "cloudrun.auth.receiving.allowed-callers=")
				.run((context) -> assertThat(context).getFailure()
					.hasMessageContaining("cloudrun.auth.receiving.allowed-callers"));
		}

		@Test
		void receivingSwitchedOffLeavesTheServerAlone() {
			grpcOnly().withUserConfiguration(Services.class)
				.withPropertyValues("spring.grpc.server.port=0", "cloudrun.auth.receiving.enabled=false",
						"cloudrun.auth.receiving.allowed-callers=")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					assertThat(context).doesNotHaveBean(AuthenticationProcessInterceptor.class);
					assertThat(context).doesNotHaveBean(SigningKeyCache.class);
				});
		}

	}

	static void assertServiceCallers(Channel channel) {
		assertThat(call(channel, ECHO, token(AUDIENCE, CALLER))).isEqualTo("Hello, " + CALLER + "!");
		assertRefused(channel, ECHO, token(AUDIENCE, OUTSIDER), Status.Code.PERMISSION_DENIED);
		assertRefused(channel, ECHO, null, Status.Code.UNAUTHENTICATED);
		assertRefused(channel, ECHO, token("https://other.example", CALLER), Status.Code.UNAUTHENTICATED);
	}

	static void assertOrdersRule(Channel channel) {
		// the rule's calls: its audience and its callers only
		assertThat(call(channel, CREATE, token(ORDERS_AUDIENCE, ORDERS_CALLER))).isEqualTo("created");
		assertThat(call(channel, LIST, token(ORDERS_AUDIENCE, ORDERS_CALLER))).isEqualTo("listed");
		assertRefused(channel, CREATE, token(AUDIENCE, ORDERS_CALLER), Status.Code.UNAUTHENTICATED);
		assertRefused(channel, CREATE, token(ORDERS_AUDIENCE, CALLER), Status.Code.PERMISSION_DENIED);
		assertRefused(channel, CREATE, null, Status.Code.UNAUTHENTICATED);
		// other calls: the service's audience and callers
		assertThat(call(channel, ECHO, token(AUDIENCE, CALLER))).isEqualTo("Hello, " + CALLER + "!");
		assertRefused(channel, ECHO, token(ORDERS_AUDIENCE, CALLER), Status.Code.UNAUTHENTICATED);
		assertRefused(channel, ECHO, token(AUDIENCE, ORDERS_CALLER), Status.Code.PERMISSION_DENIED);
	}

	static void assertMethodRules(Channel channel) {
		// Create: @PreAuthorize names CALLER only
		assertThat(call(channel, CREATE, token(AUDIENCE, CALLER))).isEqualTo("created");
		assertRefused(channel, CREATE, token(AUDIENCE, AUDITOR), Status.Code.PERMISSION_DENIED);
		// List: the class's @AllowCallers (CALLER, AUDITOR)
		assertThat(call(channel, LIST, token(AUDIENCE, AUDITOR))).isEqualTo("listed");
		assertRefused(channel, LIST, token(AUDIENCE, ORDERS_CALLER), Status.Code.PERMISSION_DENIED);
		// Audit: no annotation, the service's callers
		assertThat(call(channel, AUDIT, token(AUDIENCE, ORDERS_CALLER))).isEqualTo("read by " + ORDERS_CALLER);
		// not an allowed caller of the service: refused before any annotation
		assertRefused(channel, LIST, token(AUDIENCE, OUTSIDER), Status.Code.PERMISSION_DENIED);
	}

	static String token(String audience, String caller) {
		return google.emulator().idToken(audience).serviceAccount(ServiceAccount.of(caller)).sign();
	}

	static String call(Channel channel, MethodDescriptor<String, String> method, String token) {
		Channel intercepted = ClientInterceptors.intercept(channel,
				MetadataUtils.newAttachHeadersInterceptor(headers("authorization", "Bearer " + token)));
		return ClientCalls.blockingUnaryCall(intercepted, method,
				CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), "hello");
	}

	static void assertRefused(Channel channel, MethodDescriptor<String, String> method, String token,
			Status.Code code) {
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(
					() -> ClientCalls.blockingUnaryCall((token != null)
							? ClientInterceptors.intercept(channel,
									MetadataUtils
										.newAttachHeadersInterceptor(headers("authorization", "Bearer " + token)))
							: channel, method, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), "hello"))
			.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(code));
	}

	static <R extends AbstractApplicationContextRunner<R, ?, ?>> void run(R runner, Consumer<Channel> callback,
			String... properties) {
		run(runner, Services.class, callback, properties);
	}

	static <R extends AbstractApplicationContextRunner<R, ?, ?>> void run(R runner, Class<?> services,
			Consumer<Channel> callback, String... properties) {
		runner.withUserConfiguration(services)
			.withPropertyValues("spring.grpc.server.port=0")
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

	static ManagedChannel channel(ApplicationContext context) {
		int port = context.getBean(GrpcServerLifecycle.class).getPort();
		return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
	}

	static WebApplicationContextRunner servlet() {
		return new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(CloudRunReceivingAutoConfiguration.class,
					CloudRunReceivingServletAutoConfiguration.class,
					CloudRunReceivingServletWebSecurityAutoConfiguration.class,
					CloudRunReceivingGrpcServerAutoConfiguration.class, AopAutoConfiguration.class,
					SecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class,
					UserDetailsServiceAutoConfiguration.class, OAuth2ResourceServerAutoConfiguration.class,
					OAuth2ResourceServerWebSecurityAutoConfiguration.class, SslAutoConfiguration.class,
					GrpcServerAutoConfiguration.class, GrpcServerSecurityAutoConfiguration.class,
					GrpcServerOAuth2ResourceServerAutoConfiguration.class, GrpcServerHealthAutoConfiguration.class))
			.withPropertyValues(common());
	}

	static ReactiveWebApplicationContextRunner reactive() {
		return new ReactiveWebApplicationContextRunner().withConfiguration(AutoConfigurations.of(
				CloudRunReceivingAutoConfiguration.class, CloudRunReceivingReactiveAutoConfiguration.class,
				CloudRunReceivingReactiveWebSecurityAutoConfiguration.class,
				CloudRunReceivingGrpcServerAutoConfiguration.class, ReactiveWebSecurityAutoConfiguration.class,
				ReactiveUserDetailsServiceAutoConfiguration.class, ReactiveOAuth2ResourceServerAutoConfiguration.class,
				ReactiveOAuth2ResourceServerWebSecurityAutoConfiguration.class, WebFluxAutoConfiguration.class,
				SecurityAutoConfiguration.class, SslAutoConfiguration.class, GrpcServerAutoConfiguration.class,
				GrpcServerSecurityAutoConfiguration.class, GrpcServerOAuth2ResourceServerAutoConfiguration.class,
				GrpcServerHealthAutoConfiguration.class))
			.withPropertyValues(common());
	}

	static ApplicationContextRunner grpcOnly() {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(
				CloudRunReceivingAutoConfiguration.class, CloudRunReceivingServletAutoConfiguration.class,
				CloudRunReceivingServletWebSecurityAutoConfiguration.class,
				CloudRunReceivingReactiveAutoConfiguration.class, CloudRunReceivingGrpcServerAutoConfiguration.class,
				AopAutoConfiguration.class, SecurityAutoConfiguration.class, UserDetailsServiceAutoConfiguration.class,
				SslAutoConfiguration.class, GrpcServerAutoConfiguration.class,
				GrpcServerSecurityAutoConfiguration.class, GrpcServerOAuth2ResourceServerAutoConfiguration.class,
				GrpcServerHealthAutoConfiguration.class))
			.withPropertyValues(common());
	}

	static String[] common() {
		return new String[] { "spring.grpc.server.address=127.0.0.1", "cloudrun.auth.receiving.audiences=" + AUDIENCE,
				"cloudrun.auth.receiving.allowed-callers=" + CALLER,
				"cloudrun.auth.receiving.jwk-set-uri=" + google.emulator().jwkSetUri() };
	}

	static MethodDescriptor<String, String> method(String service, String name) {
		return MethodDescriptor.<String, String>newBuilder()
			.setType(MethodDescriptor.MethodType.UNARY)
			.setFullMethodName(MethodDescriptor.generateFullMethodName(service, name))
			.setRequestMarshaller(StringMarshaller.INSTANCE)
			.setResponseMarshaller(StringMarshaller.INSTANCE)
			.build();
	}

	@Configuration(proxyBeanMethods = false)
	static class Services {

		@Bean
		BindableService echoService() {
			return () -> ServerServiceDefinition.builder("test.Echo")
				.addMethod(ECHO, ServerCalls.asyncUnaryCall((request, response) -> {
					response.onNext("Hello, " + SecurityContextHolder.getContext().getAuthentication().getName() + "!");
					response.onCompleted();
				}))
				.build();
		}

		@Bean
		OrdersImplBase ordersService() {
			return new PlainOrdersService();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AnnotatedServices {

		@Bean
		OrdersService ordersService() {
			return new OrdersService();
		}

		@Bean
		AuditService auditService() {
			return new AuditService();
		}

	}

	/**
	 * The shape of a protoc-generated {@code ImplBase}: a final {@code bindService()}
	 * whose handlers call the service's methods on {@code this}, which for a class proxy
	 * is the proxy, so that method security applies.
	 */
	abstract static class OrdersImplBase implements BindableService {

		public abstract void create(String request, StreamObserver<String> response);

		public abstract void list(String request, StreamObserver<String> response);

		@Override
		public final ServerServiceDefinition bindService() {
			return ServerServiceDefinition.builder("test.Orders")
				.addMethod(CREATE, ServerCalls.asyncUnaryCall(this::create))
				.addMethod(LIST, ServerCalls.asyncUnaryCall(this::list))
				.build();
		}

	}

	@AllowCallers({ CALLER, AUDITOR })
	static class OrdersService extends OrdersImplBase {

		@Override
		@PreAuthorize("@caller.in('" + CALLER + "')")
		public void create(String request, StreamObserver<String> response) {
			response.onNext("created");
			response.onCompleted();
		}

		@Override
		public void list(String request, StreamObserver<String> response) {
			response.onNext("listed");
			response.onCompleted();
		}

	}

	static class PlainOrdersService extends OrdersImplBase {

		@Override
		public void create(String request, StreamObserver<String> response) {
			response.onNext("created");
			response.onCompleted();
		}

		@Override
		public void list(String request, StreamObserver<String> response) {
			response.onNext("listed");
			response.onCompleted();
		}

	}

	static class AuditService implements BindableService {

		@Override
		public final ServerServiceDefinition bindService() {
			return ServerServiceDefinition.builder("test.Audit")
				.addMethod(AUDIT, ServerCalls.asyncUnaryCall((request, response) -> {
					response.onNext("read by " + SecurityContextHolder.getContext().getAuthentication().getName());
					response.onCompleted();
				}))
				.build();
		}

	}

}
