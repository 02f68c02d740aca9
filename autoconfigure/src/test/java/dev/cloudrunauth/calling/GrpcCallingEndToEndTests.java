package dev.cloudrunauth.calling;

import java.util.function.Consumer;

import dev.cloudrunauth.receiving.CloudRunReceivingAutoConfiguration;
import dev.cloudrunauth.receiving.CloudRunReceivingGrpcServerAutoConfiguration;
import dev.cloudrunauth.receiving.CloudRunReceivingServletAutoConfiguration;
import dev.cloudrunauth.receiving.CloudRunReceivingServletWebSecurityAutoConfiguration;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import io.grpc.BindableService;
import io.grpc.Channel;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCalls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerAutoConfiguration;
import org.springframework.boot.grpc.server.autoconfigure.security.GrpcServerOAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.grpc.server.autoconfigure.security.GrpcServerSecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.OAuth2ResourceServerWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.grpc.client.GrpcChannelFactory;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;
import org.springframework.security.core.context.SecurityContextHolder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A calling application's gRPC channel to a receiving application's gRPC server, both on
 * loopback, secured by this starter on both sides, with tokens from the emulator's
 * metadata server.
 */
class GrpcCallingEndToEndTests {

	static final String AUDIENCE = "https://receiving-123456789012.us-central1.run.app";

	static final String OUTSIDER = "outsider@other-project.iam.gserviceaccount.com";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();

	@Test
	void anAllowedCallerIsAnsweredAsItsServiceAccount() {
		String caller = google.emulator().metadataServiceAccount().email();
		call(caller, AUDIENCE,
				(channel) -> assertThat(GrpcEcho.call(channel, GrpcEcho.ECHO)).isEqualTo("Hello, " + caller + "!"));
	}

	@Test
	void aCallerOutsideAllowedCallersIsRefusedWithPermissionDenied() {
		call(OUTSIDER, AUDIENCE, (channel) -> assertRefused(channel, Status.Code.PERMISSION_DENIED));
	}

	@Test
	void aTargetDeclaredWithAnotherAudienceIsRefusedWithUnauthenticated() {
		String caller = google.emulator().metadataServiceAccount().email();
		call(caller, "https://other-service.example", (channel) -> assertRefused(channel, Status.Code.UNAUTHENTICATED));
	}

	@Test
	void aChannelToAServerThatIsNoTargetSendsNoTokenAndIsRefusedWithUnauthenticated() {
		String caller = google.emulator().metadataServiceAccount().email();
		call(caller, null, (channel) -> assertRefused(channel, Status.Code.UNAUTHENTICATED));
		assertThat(google.emulator().idTokensMinted()).isZero();
	}

	static void assertRefused(Channel channel, Status.Code code) {
		assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> GrpcEcho.call(channel, GrpcEcho.ECHO))
			.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(code));
	}

	/**
	 * Start the receiving application, then call it from a calling application.
	 * @param allowedCaller the receiving application's allowed caller
	 * @param audience the audience of the calling application's target, or {@code null}
	 * for no target
	 * @param callback the calls, on a channel of Boot's channel factory
	 */
	static void call(String allowedCaller, String audience, Consumer<Channel> callback) {
		receiving().withPropertyValues("cloudrun.auth.receiving.allowed-callers=" + allowedCaller).run((server) -> {
			assertThat(server).hasNotFailed();
			String authority = "127.0.0.1:" + server.getBean(GrpcServerLifecycle.class).getPort();
			String[] target = (audience != null)
					? new String[] { "cloudrun.auth.calling.targets.receiving.url=http://" + authority,
							"cloudrun.auth.calling.targets.receiving.audience=" + audience }
					: new String[] { "cloudrun.auth.calling.targets.elsewhere.url=http://127.0.0.1:1" };
			GrpcCallingTests.runner(google.emulator()).withPropertyValues(target).run((client) -> {
				assertThat(client).hasNotFailed();
				callback.accept(client.getBean(GrpcChannelFactory.class).createChannel(authority));
			});
		});
	}

	static WebApplicationContextRunner receiving() {
		return new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(CloudRunReceivingAutoConfiguration.class,
					CloudRunReceivingServletAutoConfiguration.class,
					CloudRunReceivingServletWebSecurityAutoConfiguration.class,
					CloudRunReceivingGrpcServerAutoConfiguration.class, SecurityAutoConfiguration.class,
					ServletWebSecurityAutoConfiguration.class, UserDetailsServiceAutoConfiguration.class,
					OAuth2ResourceServerAutoConfiguration.class, OAuth2ResourceServerWebSecurityAutoConfiguration.class,
					SslAutoConfiguration.class, GrpcServerAutoConfiguration.class,
					GrpcServerSecurityAutoConfiguration.class, GrpcServerOAuth2ResourceServerAutoConfiguration.class))
			.withUserConfiguration(EchoService.class)
			.withPropertyValues("spring.grpc.server.address=127.0.0.1", "spring.grpc.server.port=0",
					"cloudrun.auth.receiving.audiences=" + AUDIENCE,
					"cloudrun.auth.receiving.jwk-set-uri=" + google.emulator().jwkSetUri());
	}

	@Configuration(proxyBeanMethods = false)
	static class EchoService {

		@Bean
		BindableService echoService() {
			return () -> ServerServiceDefinition.builder(GrpcEcho.SERVICE)
				.addMethod(GrpcEcho.ECHO, ServerCalls.asyncUnaryCall((request, response) -> {
					response.onNext("Hello, " + SecurityContextHolder.getContext().getAuthentication().getName() + "!");
					response.onCompleted();
				}))
				.build();
		}

	}

}
