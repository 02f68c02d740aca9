package dev.cloudrunauth.receiving;

import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.OAuth2ResourceServerWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.reactive.ReactiveOAuth2ResourceServerWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableReactiveWebApplicationContext;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webflux.autoconfigure.HttpHandlerAutoConfiguration;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

import static org.springframework.security.test.web.reactive.server.SecurityMockServerConfigurers.springSecurity;

/**
 * Servlet and WebFlux applications with the receiving auto-configuration and Spring
 * Security's, keys from an emulator, and the client that calls them in tests.
 */
final class ReceivingContexts {

	private ReceivingContexts() {
	}

	/**
	 * Return a runner of Spring MVC applications whose keys come from the emulator.
	 * @param emulator the emulator
	 * @param audience the accepted audience
	 * @return the runner
	 */
	static WebApplicationContextRunner servlet(GoogleIdentityEmulator emulator, String audience) {
		return new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(CloudRunReceivingAutoConfiguration.class,
					CloudRunReceivingServletAutoConfiguration.class,
					CloudRunReceivingServletWebSecurityAutoConfiguration.class, SecurityAutoConfiguration.class,
					ServletWebSecurityAutoConfiguration.class, UserDetailsServiceAutoConfiguration.class,
					OAuth2ResourceServerAutoConfiguration.class, OAuth2ResourceServerWebSecurityAutoConfiguration.class,
					WebMvcAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
					HttpMessageConvertersAutoConfiguration.class))
			.withPropertyValues("cloudrun.auth.receiving.audiences=" + audience,
					"cloudrun.auth.receiving.jwk-set-uri=" + emulator.jwkSetUri());
	}

	/**
	 * Return a runner of WebFlux applications whose keys come from the emulator.
	 * @param emulator the emulator
	 * @param audience the accepted audience
	 * @return the runner
	 */
	static ReactiveWebApplicationContextRunner reactive(GoogleIdentityEmulator emulator, String audience) {
		return new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(CloudRunReceivingAutoConfiguration.class,
					CloudRunReceivingReactiveAutoConfiguration.class,
					CloudRunReceivingReactiveWebSecurityAutoConfiguration.class,
					ReactiveWebSecurityAutoConfiguration.class, ReactiveUserDetailsServiceAutoConfiguration.class,
					ReactiveOAuth2ResourceServerAutoConfiguration.class,
					ReactiveOAuth2ResourceServerWebSecurityAutoConfiguration.class, WebFluxAutoConfiguration.class,
					HttpHandlerAutoConfiguration.class))
			.withPropertyValues("cloudrun.auth.receiving.audiences=" + audience,
					"cloudrun.auth.receiving.jwk-set-uri=" + emulator.jwkSetUri());
	}

	static MockMvc mockMvc(AssertableWebApplicationContext context) {
		return MockMvcBuilders.webAppContextSetup(context)
			.apply(org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity())
			.build();
	}

	static WebTestClient webTestClient(AssertableReactiveWebApplicationContext context) {
		return WebTestClient.bindToApplicationContext(context).apply(springSecurity()).configureClient().build();
	}

}
