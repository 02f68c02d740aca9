package dev.cloudrunauth.calling;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

/**
 * Run in a child JVM whose environment points Application Default Credentials at the
 * emulator: an application with the calling auto-configuration calls {@code args[0]} once
 * with a {@code RestClient} from Spring Boot's builder.
 */
public final class ApplicationDefaultCredentialsCallMain {

	private ApplicationDefaultCredentialsCallMain() {
	}

	public static void main(String[] args) {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
			.web(WebApplicationType.NONE)
			.run(args)) {
			String body = context.getBean(RestClient.Builder.class)
				.build()
				.get()
				.uri(args[0])
				.retrieve()
				.body(String.class);
			System.out.println("response=" + body);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ CloudRunCallingAutoConfiguration.class, HttpClientAutoConfiguration.class,
			ImperativeHttpClientAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class,
			RestClientAutoConfiguration.class })
	static class Application {

	}

}
