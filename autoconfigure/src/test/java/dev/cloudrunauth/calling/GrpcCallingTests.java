package dev.cloudrunauth.calling;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.cloudrunauth.test.LoggedTokens;
import dev.cloudrunauth.test.emulator.EmulatorEndpoint;
import dev.cloudrunauth.test.emulator.Fault;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import io.grpc.CallCredentials;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.grpc.client.autoconfigure.GrpcClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.grpc.client.GrpcChannelFactory;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Channels of Boot's gRPC channel factory get ID tokens on calls to targets only (by
 * authority, TLS and method path), by the same header rules as the other clients, and a
 * call whose token cannot be had fails without being sent.
 */
@ExtendWith(OutputCaptureExtension.class)
class GrpcCallingTests {

	static final String AUDIENCE = "https://receiving.example";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();

	static GrpcEcho target;

	static GrpcEcho other;

	@BeforeAll
	static void startServers() {
		target = GrpcEcho.start();
		other = GrpcEcho.start();
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
	void aCallToATargetCarriesATokenForItsAudience() {
		run((context) -> {
			assertThat(GrpcEcho.call(channel(context, target), GrpcEcho.ECHO)).isEqualTo("echo hello");
			Metadata headers = target.onlyCall();
			assertThat(verify(GrpcEcho.bearerToken(headers, "authorization")).getAudience()).containsExactly(AUDIENCE);
			assertThat(GrpcEcho.header(headers, "x-serverless-authorization")).isNull();
		});
	}

	@Test
	void aCallToAnythingElseCarriesNoToken() {
		run((context) -> {
			GrpcEcho.call(channel(context, other), GrpcEcho.ECHO);
			GrpcEcho.call(channel(context, target), GrpcEcho.OTHER);
			assertThat(GrpcEcho.header(other.onlyCall(), "authorization")).isNull();
			assertThat(GrpcEcho.header(target.onlyCall(), "authorization")).isNull();
			assertThat(google.emulator().idTokensMinted()).isZero();
		});
	}

	@Test
	void aChannelNamedLikeATargetGetsItsTokenOnEveryCallWhateverItsAddress() {
		String orders = "https://orders-123456789012.us-central1.run.app";
		runner()
			.withPropertyValues("cloudrun.auth.calling.targets.orders.url=" + orders,
					"spring.grpc.client.channel.orders.target=" + target.authority(),
					"spring.grpc.client.channel.billing.target=" + other.authority())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				GrpcChannelFactory channels = context.getBean(GrpcChannelFactory.class);
				Channel named = channels.createChannel("orders");
				GrpcEcho.call(named, GrpcEcho.ECHO);
				GrpcEcho.call(named, GrpcEcho.OTHER);
				for (int i = 0; i < 2; i++) {
					Metadata headers = target.calls().get(i);
					assertThat(headers.getAll(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER)))
						.hasSize(1);
					assertThat(verify(GrpcEcho.bearerToken(headers, "authorization")).getAudience())
						.containsExactly(orders);
				}
				// a channel of another name gets nothing
				GrpcEcho.call(channels.createChannel("billing"), GrpcEcho.ECHO);
				assertThat(GrpcEcho.header(other.onlyCall(), "authorization")).isNull();
			});
	}

	@Test
	void aChannelNamedLikeTheTargetItsAddressAlsoMatchesGetsOneToken() {
		runner().withPropertyValues(properties())
			.withPropertyValues("spring.grpc.client.channel.receiving.target=" + target.authority())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				GrpcEcho.call(context.getBean(GrpcChannelFactory.class).createChannel("receiving"), GrpcEcho.ECHO);
				Metadata headers = target.onlyCall();
				assertThat(headers.getAll(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER)))
					.hasSize(1);
				assertThat(GrpcEcho.header(headers, "x-serverless-authorization")).isNull();
				assertThat(verify(GrpcEcho.bearerToken(headers, "authorization")).getAudience())
					.containsExactly(AUDIENCE);
			});
	}

	@Test
	void anHttpsTargetGetsNoTokenOverAChannelWithoutTls() {
		runner()
			.withPropertyValues("cloudrun.auth.calling.targets.receiving.url=https://" + target.authority(),
					"cloudrun.auth.calling.targets.receiving.audience=" + AUDIENCE)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				GrpcEcho.call(channel(context, target), GrpcEcho.ECHO);
				assertThat(GrpcEcho.header(target.onlyCall(), "authorization")).isNull();
				assertThat(google.emulator().idTokensMinted()).isZero();
			});
	}

	@Test
	void theApplicationsOwnAuthorizationIsKeptAndTheTokenGoesInXServerlessAuthorization() {
		run((context) -> {
			GrpcEcho.call(channel(context, target), GrpcEcho.ECHO, "authorization", "Basic YXBwOm93bg==");
			Metadata headers = target.onlyCall();
			assertThat(headers.getAll(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER)))
				.containsExactly("Basic YXBwOm93bg==");
			assertThat(verify(GrpcEcho.bearerToken(headers, "x-serverless-authorization")).getAudience())
				.containsExactly(AUDIENCE);
		});
	}

	@Test
	void theApplicationsOwnCallCredentialsAreKeptAndTheTokenGoesInXServerlessAuthorization() {
		CallCredentials own = new CallCredentials() {

			@Override
			public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
				Metadata headers = new Metadata();
				headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Basic YXBwOm93bg==");
				applier.apply(headers);
			}

		};
		run((context) -> {
			ClientCalls.blockingUnaryCall(channel(context, target), GrpcEcho.ECHO,
					CallOptions.DEFAULT.withCallCredentials(own).withDeadlineAfter(10, TimeUnit.SECONDS), "hello");
			Metadata headers = target.onlyCall();
			assertThat(headers.getAll(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER)))
				.containsExactly("Basic YXBwOm93bg==");
			assertThat(verify(GrpcEcho.bearerToken(headers, "x-serverless-authorization")).getAudience())
				.containsExactly(AUDIENCE);
		});
	}

	@Test
	void aCallThatAlreadyCarriesXServerlessAuthorizationGetsNoToken(CapturedOutput output) {
		String forwarded = "Bearer " + google.emulator().idToken("https://another.example").sign();
		run((context) -> {
			GrpcEcho.call(channel(context, target), GrpcEcho.ECHO, "x-serverless-authorization", forwarded);
			Metadata headers = target.onlyCall();
			assertThat(headers.getAll(Metadata.Key.of("x-serverless-authorization", Metadata.ASCII_STRING_MARSHALLER)))
				.containsExactly(forwarded);
			assertThat(GrpcEcho.header(headers, "authorization")).isNull();
		});
		assertThat(LoggedTokens.find(output.getAll())).isEmpty();
	}

	@Test
	void aTokenThatCannotBeHadFailsTheCallWithUnavailableAndItIsNotSent(CapturedOutput output) {
		google.emulator().inject(EmulatorEndpoint.METADATA, Fault.httpStatus(503));
		try {
			run((context) -> {
				assertThatExceptionOfType(StatusRuntimeException.class)
					.isThrownBy(() -> GrpcEcho.call(channel(context, target), GrpcEcho.ECHO))
					.satisfies((ex) -> {
						assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
						assertThat(ex.getStatus().getDescription()).contains("'receiving'").contains(AUDIENCE);
					});
				assertThat(target.calls()).isEmpty();
			});
		}
		finally {
			google.emulator().clearFault(EmulatorEndpoint.METADATA);
		}
		assertThat(LoggedTokens.find(output.getAll())).isEmpty();
	}

	@Test
	void aGrpcTargetAndAnHttpsTargetGetTheirTokensOverTls(@TempDir Path keys) {
		try (GrpcEcho tls = GrpcEcho.startTls(keys)) {
			runner()
				.withPropertyValues(
						"cloudrun.auth.calling.targets.echo.url=grpc://" + tls.authority() + "/" + GrpcEcho.SERVICE,
						"cloudrun.auth.calling.targets.other.url=https://" + tls.authority(),
						"cloudrun.auth.calling.targets.other.audience=" + AUDIENCE,
						"spring.grpc.client.channel.tls.target=" + tls.authority(),
						"spring.grpc.client.channel.tls.ssl.enabled=true",
						"spring.grpc.client.channel.tls.bypass-certificate-validation=true")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					Channel channel = context.getBean(GrpcChannelFactory.class).createChannel("tls");
					GrpcEcho.call(channel, GrpcEcho.ECHO);
					GrpcEcho.call(channel, GrpcEcho.OTHER);
					// the grpc target's audience is its https origin
					assertThat(verify(GrpcEcho.bearerToken(tls.calls().get(0), "authorization")).getAudience())
						.containsExactly("https://" + tls.authority());
					assertThat(verify(GrpcEcho.bearerToken(tls.calls().get(1), "authorization")).getAudience())
						.containsExactly(AUDIENCE);
				});
		}
	}

	@Test
	void aGrpcTargetGetsItsTokenWithoutTlsOnlyToALoopbackAddress() throws InterruptedException {
		// the same plaintext channel, its authority first the loopback, then a name: the
		// http target of that name gets its token without TLS, the grpc one does not
		ManagedChannel loopback = NettyChannelBuilder.forTarget(target.authority()).usePlaintext().build();
		ManagedChannel named = NettyChannelBuilder.forTarget(target.authority())
			.overrideAuthority("echo.example.com:443")
			.usePlaintext()
			.build();
		try {
			runner()
				.withPropertyValues("cloudrun.auth.calling.targets.local.url=grpc://" + target.authority(),
						"cloudrun.auth.calling.targets.remote.url=grpc://echo.example.com/" + GrpcEcho.SERVICE,
						"cloudrun.auth.calling.targets.remote-plain.url=http://echo.example.com:443/test.Other")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					ClientInterceptor interceptor = context.getBean("idTokenGrpcClientInterceptor",
							ClientInterceptor.class);
					GrpcEcho.call(ClientInterceptors.intercept(loopback, interceptor), GrpcEcho.ECHO);
					GrpcEcho.call(ClientInterceptors.intercept(named, interceptor), GrpcEcho.ECHO);
					GrpcEcho.call(ClientInterceptors.intercept(named, interceptor), GrpcEcho.OTHER);
					List<Metadata> calls = target.calls();
					assertThat(verify(GrpcEcho.bearerToken(calls.get(0), "authorization")).getAudience())
						.containsExactly("https://" + target.authority());
					assertThat(GrpcEcho.header(calls.get(1), "authorization")).isNull();
					assertThat(verify(GrpcEcho.bearerToken(calls.get(2), "authorization")).getAudience())
						.containsExactly("http://echo.example.com:443");
					assertThat(google.emulator().idTokensMinted()).isEqualTo(2);
				});
		}
		finally {
			loopback.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
			named.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
		}
	}

	@Test
	void aChannelBuiltByHandAddsTheInterceptorBean() throws InterruptedException {
		ManagedChannel channel = NettyChannelBuilder.forTarget(target.authority()).usePlaintext().build();
		try {
			run((context) -> {
				Channel intercepted = ClientInterceptors.intercept(channel,
						context.getBean("idTokenGrpcClientInterceptor", ClientInterceptor.class));
				GrpcEcho.call(intercepted, GrpcEcho.ECHO);
				assertThat(verify(GrpcEcho.bearerToken(target.onlyCall(), "authorization")).getAudience())
					.containsExactly(AUDIENCE);
			});
		}
		finally {
			channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
		}
	}

	@Test
	void withoutGrpcThereIsNoGrpcBean() {
		CallingContexts.metadataServer(google.emulator())
			.withClassLoader(new FilteredClassLoader("io.grpc", "org.springframework.grpc"))
			.withPropertyValues(properties())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean("idTokenGrpcClientInterceptor");
			});
	}

	static Channel channel(AssertableApplicationContext context, GrpcEcho server) {
		return context.getBean(GrpcChannelFactory.class).createChannel(server.authority());
	}

	static ApplicationContextRunner runner() {
		return runner(google.emulator());
	}

	/**
	 * Return a runner of calling applications with Boot's gRPC channel factory.
	 * @param emulator where tokens come from
	 * @return the runner
	 */
	static ApplicationContextRunner runner(GoogleIdentityEmulator emulator) {
		return CallingContexts.metadataServer(emulator)
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, GrpcClientAutoConfiguration.class));
	}

	private static void run(Consumer<AssertableApplicationContext> callback) {
		runner().withPropertyValues(properties()).run((context) -> {
			assertThat(context).hasNotFailed();
			callback.accept(context);
		});
	}

	private static String[] properties() {
		return new String[] {
				"cloudrun.auth.calling.targets.receiving.url=http://" + target.authority() + "/" + GrpcEcho.SERVICE,
				"cloudrun.auth.calling.targets.receiving.audience=" + AUDIENCE };
	}

	private static Jwt verify(String token) {
		return NimbusJwtDecoder.withJwkSetUri(google.emulator().jwkSetUri()).build().decode(token);
	}

}
