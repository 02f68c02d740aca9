package dev.cloudrunauth.receiving;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.cloudrunauth.test.LoopbackResponse;
import dev.cloudrunauth.test.LoopbackServer;
import dev.cloudrunauth.test.emulator.EmulatorEndpoint;
import dev.cloudrunauth.test.emulator.Fault;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Key fetches go through the application's Spring Boot HTTP client settings
 * ({@code spring.http.clients.*}) and its request factory builder.
 */
class KeyFetchHttpClientTests {

	private static final String AUDIENCE = "https://receiving-123456789012.us-central1.run.app";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();

	private final WebApplicationContextRunner runner = ReceivingContexts.servlet(google.emulator(), AUDIENCE)
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, HttpClientAutoConfiguration.class,
				ImperativeHttpClientAutoConfiguration.class))
		.withPropertyValues("cloudrun.auth.receiving.allowed-callers=caller@p.iam.gserviceaccount.com");

	@Test
	void aKeyFetchTimesOutAfterTheReadTimeoutOfSpringBootsHttpClients() {
		google.emulator().inject(EmulatorEndpoint.JWKS, Fault.delay(Duration.ofSeconds(3)));
		this.runner.withPropertyValues("spring.http.clients.read-timeout=300ms").run((context) -> {
			SigningKeyCache keys = context.getBean(SigningKeyCache.class);
			// the emulator answers after 3 s, within the jwk-set-timeout of 5 s
			await().atMost(Duration.ofMillis(2500)).until(() -> keys.failedFetches() >= 1);
			assertThat(keys.keysLoaded()).isFalse();
			assertThat(keys.lastError()).doesNotContain("no answer within");
		});
	}

	@Test
	void withoutThatReadTimeoutTheSameSlowKeyFetchSucceeds() {
		google.emulator().inject(EmulatorEndpoint.JWKS, Fault.delay(Duration.ofSeconds(1)));
		this.runner.run((context) -> {
			SigningKeyCache keys = context.getBean(SigningKeyCache.class);
			await().atMost(Duration.ofSeconds(5)).until(keys::keysLoaded);
			assertThat(keys.failedFetches()).isZero();
		});
	}

	@Test
	void theJwkSetTimeoutStillBoundsAFetchWhenTheReadTimeoutIsLonger() {
		google.emulator().inject(EmulatorEndpoint.JWKS, Fault.delay(Duration.ofSeconds(3)));
		this.runner
			.withPropertyValues("spring.http.clients.read-timeout=1m", "cloudrun.auth.receiving.jwk-set-timeout=300ms")
			.run((context) -> {
				SigningKeyCache keys = context.getBean(SigningKeyCache.class);
				await().atMost(Duration.ofMillis(2500)).until(() -> keys.failedFetches() >= 1);
				assertThat(keys.keysLoaded()).isFalse();
			});
	}

	@Test
	void keyFetchesGoThroughTheProxyOfTheApplicationsRequestFactoryBuilder() {
		GoogleIdentityEmulator emulator = google.emulator();
		List<String> proxied = new CopyOnWriteArrayList<>();
		try (LoopbackServer proxy = forwardingProxy(proxied)) {
			InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port());
			this.runner
				.withBean(ClientHttpRequestFactoryBuilder.class,
						() -> ClientHttpRequestFactoryBuilder.jdk().withProxySelector(ProxySelector.of(address)))
				.run((context) -> {
					SigningKeyCache keys = context.getBean(SigningKeyCache.class);
					await().atMost(Duration.ofSeconds(5)).until(keys::keysLoaded);
					assertThat(proxied).containsExactly(emulator.jwkSetUri());
				});
		}
	}

	/**
	 * An HTTP proxy on the loopback interface that records the absolute URIs it is asked
	 * for and fetches them.
	 */
	private static LoopbackServer forwardingProxy(List<String> proxied) {
		HttpClient client = HttpClient.newHttpClient();
		return LoopbackServer.start((request) -> {
			proxied.add(request.uri().toString());
			byte[] body = client
				.send(HttpRequest.newBuilder(request.uri()).build(), HttpResponse.BodyHandlers.ofByteArray())
				.body();
			return LoopbackResponse.status(200).withBody("application/json", body);
		});
	}

}
