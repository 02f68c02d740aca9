package dev.cloudrunauth.calling;

import com.google.auth.oauth2.ComputeEngineCredentials;
import com.google.auth.oauth2.GoogleCredentials;
import dev.cloudrunauth.test.emulator.EmulatorHttpTransportFactory;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.service.HttpServiceClientPropertiesAutoConfiguration;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestTemplateAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.service.HttpServiceClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;

/**
 * Application contexts with the calling auto-configuration and Spring Boot's HTTP client
 * builders, getting tokens from an emulator.
 */
final class CallingContexts {

	private CallingContexts() {
	}

	/**
	 * Return a runner whose credentials come from the given emulator's metadata server,
	 * in-process.
	 * @param emulator the emulator
	 * @return the runner
	 */
	static ApplicationContextRunner metadataServer(GoogleIdentityEmulator emulator) {
		return withBuilders(emulator).withBean(GoogleCredentials.class,
				() -> ComputeEngineCredentials.newBuilder()
					.setHttpTransportFactory(new EmulatorHttpTransportFactory(emulator))
					.build());
	}

	/**
	 * Return a runner with the HTTP client builders and all of google-auth-library's
	 * requests going to the emulator.
	 * @param emulator the emulator
	 * @return the runner
	 */
	static ApplicationContextRunner withBuilders(GoogleIdentityEmulator emulator) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(CloudRunCallingAutoConfiguration.class,
					HttpClientAutoConfiguration.class, ImperativeHttpClientAutoConfiguration.class,
					ReactiveHttpClientAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class,
					RestClientAutoConfiguration.class, RestTemplateAutoConfiguration.class,
					WebClientAutoConfiguration.class, HttpServiceClientPropertiesAutoConfiguration.class,
					HttpServiceClientAutoConfiguration.class))
			.withBean(EmulatorHttpTransportFactory.class, () -> new EmulatorHttpTransportFactory(emulator));
	}

}
