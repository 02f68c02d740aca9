package dev.cloudrunauth.benchmarks.calling.app;

import com.google.auth.http.HttpTransportFactory;
import com.google.auth.oauth2.ComputeEngineCredentials;
import com.google.auth.oauth2.GoogleCredentials;
import dev.cloudrunauth.calling.CloudRunCallingAutoConfiguration;
import dev.cloudrunauth.test.emulator.EmulatorHttpTransportFactory;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

/**
 * RestClients as an application gets them from Spring Boot's {@code RestClient.Builder},
 * in the harness JVM: a context (no web server) with Boot's HTTP client and RestClient
 * auto-configurations, with or without the starter's calling auto-configuration. With it,
 * the application's credentials are the emulator's metadata server.
 */
public final class BootRestClients {

	private BootRestClients() {
	}

	/**
	 * Start a context.
	 * @param emulator where tokens come from (with the starter)
	 * @param starter whether the calling auto-configuration is there
	 * @param properties {@code name=value} properties, such as the targets
	 * @return the context; close it after use
	 */
	public static ConfigurableApplicationContext start(GoogleIdentityEmulator emulator, boolean starter,
			String... properties) {
		SpringApplicationBuilder builder = new SpringApplicationBuilder(starter ? WithStarter.class : Boot.class)
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			// the JDK client, as an application with only the RestClient starter gets
			// (this JVM also has Reactor
			// Netty, which Boot would otherwise detect first)
			.properties("spring.http.clients.imperative.factory=jdk")
			.properties(properties);
		if (starter) {
			builder.initializers((context) -> context.getBeanFactory()
				.registerSingleton("emulatorTransport", new EmulatorHttpTransportFactory(emulator)));
		}
		return builder.run();
	}

	/**
	 * Return a RestClient from the context's {@code RestClient.Builder}.
	 * @param context the context
	 * @param baseUrl the base URL
	 * @return the client
	 */
	public static RestClient client(ConfigurableApplicationContext context, String baseUrl) {
		return context.getBean(RestClient.Builder.class).baseUrl(baseUrl).build();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ PropertyPlaceholderAutoConfiguration.class, SslAutoConfiguration.class,
			HttpMessageConvertersAutoConfiguration.class, HttpClientAutoConfiguration.class,
			ImperativeHttpClientAutoConfiguration.class, RestClientAutoConfiguration.class })
	static class Boot {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ PropertyPlaceholderAutoConfiguration.class, SslAutoConfiguration.class,
			HttpMessageConvertersAutoConfiguration.class, HttpClientAutoConfiguration.class,
			ImperativeHttpClientAutoConfiguration.class, RestClientAutoConfiguration.class,
			CloudRunCallingAutoConfiguration.class })
	static class WithStarter {

		@Bean
		GoogleCredentials emulatorCredentials(HttpTransportFactory emulatorTransport) {
			return ComputeEngineCredentials.newBuilder().setHttpTransportFactory(emulatorTransport).build();
		}

	}

}
