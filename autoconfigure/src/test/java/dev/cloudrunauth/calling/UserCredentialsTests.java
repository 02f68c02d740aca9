package dev.cloudrunauth.calling;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;

import com.google.auth.oauth2.UserCredentials;

import dev.cloudrunauth.test.LoggedTokens;
import dev.cloudrunauth.test.LoopbackServer;
import dev.cloudrunauth.test.RecordedRequest;
import dev.cloudrunauth.test.emulator.EmulatedUsers;
import dev.cloudrunauth.test.emulator.EmulatorEndpoint;
import dev.cloudrunauth.test.emulator.EmulatorHttpTransportFactory;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.web.client.RestClient;

import static dev.cloudrunauth.StartupFailures.assertBindingFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code cloudrun.auth.calling.user-credentials}: an application with a client per
 * downstream service whose credentials are a user's {@code authorized_user} file (as
 * {@code gcloud auth login --update-adc} writes), refreshed at the emulator.
 */
@ExtendWith(OutputCaptureExtension.class)
class UserCredentialsTests {

	private static final String USER = "developer@example.com";

	private static final String CLIENT_ID = EmulatedUsers.GCLOUD_CLIENT_ID;

	private static final String INVOKER = "invoker@emulator-project.iam.gserviceaccount.com";

	private static final String WARNING = "user-credentials=id-token, every target gets your own Google account's";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();

	static LoopbackServer orders;

	static LoopbackServer billing;

	@TempDir
	Path directory;

	private Path credentials;

	@BeforeAll
	static void startServers() {
		orders = LoopbackServer.start();
		billing = LoopbackServer.start();
	}

	@AfterAll
	static void stopServers() {
		orders.close();
		billing.close();
	}

	@BeforeEach
	void prepare() throws IOException {
		orders.clear();
		billing.clear();
		this.credentials = google.emulator()
			.users()
			.writeAuthorizedUser(USER, CLIENT_ID, this.directory.resolve("application_default_credentials.json"));
	}

	@Test
	void byDefaultCallsFailNamingThePropertyAndNothingIsSent() {
		application().run((context) -> {
			Clients clients = context.getBean(Clients.class);
			assertThatExceptionOfType(IdTokenUnavailableException.class).isThrownBy(clients::orders)
				.withMessageContaining("user credentials")
				.withMessageContaining("cloudrun.auth.calling.user-credentials=id-token")
				.withMessageContaining("cloudrun.auth.calling.impersonate-service-account");
			assertThat(orders.requests()).isEmpty();
			assertThat(google.emulator().requests(EmulatorEndpoint.OAUTH_TOKEN)).isZero();
		});
	}

	@Test
	void withIdTokenEveryTargetGetsTheUsersOwnTokenWithOneWarningAndNoTokenInTheLogs(CapturedOutput output) {
		application("cloudrun.auth.calling.user-credentials=id-token").run((context) -> {
			Clients clients = context.getBean(Clients.class);
			for (int i = 0; i < 3; i++) {
				clients.orders();
				clients.billing();
			}
			Jwt token = verify(orders.requests().get(0));
			assertThat(token.getAudience()).containsExactly(CLIENT_ID);
			assertThat(token.getClaimAsString("email")).isEqualTo(USER);
			assertThat(token.getClaimAsString("azp")).isEqualTo(CLIENT_ID);
			// the same token for both audiences, from one refresh
			assertThat(distinctTokens(orders, billing)).isEqualTo(1);
			assertThat(google.emulator().idTokensMinted(CLIENT_ID)).isEqualTo(1);
			assertThat(google.emulator().requests(EmulatorEndpoint.OAUTH_TOKEN)).isEqualTo(1);
		});
		assertThat(output.getAll().split(WARNING, -1)).as("warnings").hasSize(2);
		assertThat(output.getAll()).contains("Its audience is the OAuth client " + CLIENT_ID + ", not the target");
		assertThat(LoggedTokens.find(output.getAll())).isEmpty();
	}

	@Test
	void theUsersTokenIsSharedInTheFirstHalfOfItsLifeAndRefreshedAfter() throws IOException {
		IdTokenCacheTests.MutableClock clock = new IdTokenCacheTests.MutableClock(Instant.now());
		UserIdTokens tokens = new UserIdTokens(clock);
		UserCredentials user;
		try (InputStream in = Files.newInputStream(this.credentials)) {
			user = UserCredentials.fromStream(in, new EmulatorHttpTransportFactory(google.emulator()));
		}
		MintedIdToken first = tokens.token(user);
		clock.advance(Duration.ofMinutes(29));
		assertThat(tokens.token(user)).isSameAs(first);
		assertThat(google.emulator().idTokensMinted(CLIENT_ID)).isEqualTo(1);
		clock.advance(Duration.ofMinutes(2));
		assertThat(tokens.token(user)).isNotSameAs(first);
		assertThat(google.emulator().idTokensMinted(CLIENT_ID)).isEqualTo(2);
	}

	@Test
	void anInvalidValueFailsStartupNamingTheProperty() {
		application("cloudrun.auth.calling.user-credentials=sometimes")
			.run((context) -> assertBindingFailure(context, "cloudrun.auth.calling.user-credentials"));
	}

	@Test
	void withImpersonationTheUserImpersonatesTheServiceAccountAndUserCredentialsDoNotApply() {
		GoogleIdentityEmulator emulator = google.emulator();
		emulator.restrictImpersonation(emulator.serviceAccount(INVOKER), emulator.serviceAccount(USER));
		application("cloudrun.auth.calling.user-credentials=id-token",
				"cloudrun.auth.calling.impersonate-service-account=" + INVOKER)
			.run((context) -> {
				context.getBean(Clients.class).orders();
				Jwt token = verify(orders.requests().get(0));
				assertThat(token.getAudience()).containsExactly(orders.url());
				assertThat(token.getClaimAsString("email")).isEqualTo(INVOKER);
				assertThat(emulator.requests(EmulatorEndpoint.IAM_CREDENTIALS)).isEqualTo(1);
			});
	}

	@Test
	void aTargetWithItsOwnServiceAccountGetsThatAccountsTokenAndTheOthersTheUsers() {
		GoogleIdentityEmulator emulator = google.emulator();
		emulator.restrictImpersonation(emulator.serviceAccount(INVOKER), emulator.serviceAccount(USER));
		application("cloudrun.auth.calling.user-credentials=id-token",
				"cloudrun.auth.calling.targets.billing.impersonate-service-account=" + INVOKER)
			.run((context) -> {
				Clients clients = context.getBean(Clients.class);
				clients.orders();
				clients.billing();
				Jwt billingToken = verify(billing.requests().get(0));
				assertThat(billingToken.getAudience()).containsExactly(billing.url());
				assertThat(billingToken.getClaimAsString("email")).isEqualTo(INVOKER);
				Jwt ordersToken = verify(orders.requests().get(0));
				assertThat(ordersToken.getAudience()).containsExactly(CLIENT_ID);
				assertThat(ordersToken.getClaimAsString("email")).isEqualTo(USER);
			});
	}

	@Test
	void aUserWithoutTheRoleOnTheServiceAccountCannotImpersonateIt() {
		GoogleIdentityEmulator emulator = google.emulator();
		emulator.restrictImpersonation(emulator.serviceAccount(INVOKER));
		application("cloudrun.auth.calling.impersonate-service-account=" + INVOKER).run((context) -> {
			assertThatExceptionOfType(IdTokenUnavailableException.class)
				.isThrownBy(() -> context.getBean(Clients.class).orders())
				.withMessageContaining("impersonation of " + INVOKER);
			assertThat(orders.requests()).isEmpty();
		});
	}

	private ApplicationContextRunner application(String... properties) {
		return CallingContexts.withBuilders(google.emulator())
			.withUserConfiguration(ClientsConfiguration.class)
			.withPropertyValues("cloudrun.auth.calling.credentials-location=file:" + this.credentials,
					"cloudrun.auth.calling.targets.orders.url=" + orders.url(),
					"cloudrun.auth.calling.targets.billing.url=" + billing.url())
			.withPropertyValues(properties);
	}

	private static Jwt verify(RecordedRequest request) {
		return NimbusJwtDecoder.withJwkSetUri(google.emulator().jwkSetUri())
			.build()
			.decode(request.bearerToken("Authorization"));
	}

	private static long distinctTokens(LoopbackServer... servers) {
		return Stream.of(servers)
			.flatMap((server) -> server.requests().stream())
			.map((request) -> request.bearerToken("Authorization"))
			.distinct()
			.count();
	}

	/**
	 * The application's clients of its downstream services.
	 */
	static final class Clients {

		private final RestClient orders;

		private final RestClient billing;

		Clients(RestClient.Builder builder) {
			this.orders = builder.clone().baseUrl(UserCredentialsTests.orders.url()).build();
			this.billing = builder.clone().baseUrl(UserCredentialsTests.billing.url()).build();
		}

		void orders() {
			this.orders.get().uri("/orders/42").retrieve().toBodilessEntity();
		}

		void billing() {
			this.billing.post().uri("/invoices").body(Map.of("order", 42)).retrieve().toBodilessEntity();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ClientsConfiguration {

		@Bean
		Clients clients(RestClient.Builder builder) {
			return new Clients(builder);
		}

	}

}
