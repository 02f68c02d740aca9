package dev.cloudrunauth.receiving;

import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import jakarta.annotation.security.RolesAllowed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.OAuth2ResourceServerWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.reactive.ReactiveOAuth2ResourceServerWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.access.annotation.Secured;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.core.AuthenticationException;

import static dev.cloudrunauth.StartupFailures.assertInvalidProperty;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Method security is enabled where a bean uses a method-security annotation, and startup
 * fails where a bean uses one that nothing enforces.
 */
class MethodSecurityActivationTests {

	private static final String PROPERTY = "cloudrun.auth.receiving.method-security";

	private static final String CALLER = "calling@p.iam.gserviceaccount.com";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();

	private final WebApplicationContextRunner servlet = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CloudRunReceivingAutoConfiguration.class,
				CloudRunReceivingServletAutoConfiguration.class,
				CloudRunReceivingServletWebSecurityAutoConfiguration.class, SecurityAutoConfiguration.class,
				ServletWebSecurityAutoConfiguration.class, UserDetailsServiceAutoConfiguration.class,
				OAuth2ResourceServerAutoConfiguration.class, OAuth2ResourceServerWebSecurityAutoConfiguration.class))
		.withPropertyValues(receiving());

	private final ReactiveWebApplicationContextRunner reactive = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CloudRunReceivingAutoConfiguration.class,
				CloudRunReceivingReactiveAutoConfiguration.class,
				CloudRunReceivingReactiveWebSecurityAutoConfiguration.class, ReactiveWebSecurityAutoConfiguration.class,
				ReactiveUserDetailsServiceAutoConfiguration.class, ReactiveOAuth2ResourceServerAutoConfiguration.class,
				ReactiveOAuth2ResourceServerWebSecurityAutoConfiguration.class, WebFluxAutoConfiguration.class))
		.withPropertyValues(receiving());

	@Test
	void anApplicationWithoutMethodSecurityAnnotationsGetsNoMethodSecurity() {
		this.servlet.withBean(Plain.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean("preAuthorizeAuthorizationMethodInterceptor");
			assertThat(context).doesNotHaveBean("allowCallersAuthorizationAdvisor");
			assertThat(context).hasBean("caller");
		});
		this.reactive.withBean(Plain.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean("preAuthorizeAuthorizationMethodInterceptor");
			assertThat(context).doesNotHaveBean("reactiveAllowCallersAuthorizationAdvisor");
		});
	}

	@Test
	void aPreAuthorizeOnAMethodEnablesAndEnforcesIt() {
		this.servlet.withBean(PreAuthorized.class).run((context) -> {
			assertThat(context).hasBean("preAuthorizeAuthorizationMethodInterceptor");
			assertThat(context).hasBean("allowCallersAuthorizationAdvisor");
			assertThatExceptionOfType(AuthenticationCredentialsNotFoundException.class)
				.isThrownBy(() -> context.getBean(PreAuthorized.class).call());
		});
	}

	@Test
	void anAllowCallersOnASuperclassEnablesAndEnforcesIt() {
		this.servlet.withBean(InheritsAllowCallers.class).run((context) -> {
			assertThat(context).hasBean("allowCallersAuthorizationAdvisor");
			assertThatExceptionOfType(AuthenticationException.class)
				.isThrownBy(() -> context.getBean(InheritsAllowCallers.class).call());
		});
	}

	@Test
	void anAnnotationOnAnInterfaceMethodEnablesAndEnforcesIt() {
		this.servlet.withBean(ImplementsGuarded.class).run((context) -> {
			assertThat(context).hasBean("preAuthorizeAuthorizationMethodInterceptor");
			assertThatExceptionOfType(AuthenticationCredentialsNotFoundException.class)
				.isThrownBy(() -> context.getBean(Guarded.class).call());
		});
	}

	@Test
	void aReactivePreAuthorizeEnablesAndEnforcesReactiveMethodSecurity() {
		this.reactive.withBean(ReactivePreAuthorized.class).run((context) -> {
			assertThat(context).hasBean("reactiveAllowCallersAuthorizationAdvisor");
			assertThatExceptionOfType(AccessDeniedException.class)
				.isThrownBy(() -> context.getBean(ReactivePreAuthorized.class).call().block());
		});
	}

	@Test
	void methodSecurityTrueEnablesItWithoutAnnotations() {
		this.servlet.withPropertyValues(PROPERTY + "=true").withBean(Plain.class).run((context) -> {
			assertThat(context).hasBean("preAuthorizeAuthorizationMethodInterceptor");
			assertThat(context).hasBean("allowCallersAuthorizationAdvisor");
		});
		this.reactive.withPropertyValues(PROPERTY + "=true")
			.withBean(Plain.class)
			.run((context) -> assertThat(context).hasBean("reactiveAllowCallersAuthorizationAdvisor"));
	}

	@Test
	void methodSecurityFalseWhilePreAuthorizeIsInUseRefusesToStart() {
		this.servlet.withPropertyValues(PROPERTY + "=false")
			.withBean(PreAuthorized.class)
			.run((context) -> assertInvalidProperty(context, PROPERTY)
				.hasMessageContaining(PreAuthorized.class.getName())
				.hasMessageContaining("@PreAuthorize")
				.hasMessageContaining("@EnableMethodSecurity"));
		this.reactive.withPropertyValues(PROPERTY + "=false")
			.withBean(ReactivePreAuthorized.class)
			.run((context) -> assertInvalidProperty(context, PROPERTY).hasMessageContaining("@PreAuthorize"));
	}

	@Test
	void methodSecurityFalseWithTheApplicationsOwnStartsAndItsOwnEnforces() {
		this.servlet.withPropertyValues(PROPERTY + "=false")
			.withUserConfiguration(OwnMethodSecurity.class)
			.withBean(PreAuthorized.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean("allowCallersAuthorizationAdvisor");
				assertThatExceptionOfType(AuthenticationCredentialsNotFoundException.class)
					.isThrownBy(() -> context.getBean(PreAuthorized.class).call());
			});
	}

	@Test
	void aBeanMethodWhoseDeclaredTypeHidesTheAnnotationsRefusesToStartUnlessItIsTurnedOn() {
		this.servlet.withUserConfiguration(HiddenAnnotations.class)
			.run((context) -> assertInvalidProperty(context, PROPERTY).hasMessageContaining("'hidden'")
				.hasMessageContaining("Set " + PROPERTY + "=true"));
		this.servlet.withPropertyValues(PROPERTY + "=true")
			.withUserConfiguration(HiddenAnnotations.class)
			.run((context) -> assertThatExceptionOfType(AuthenticationCredentialsNotFoundException.class)
				.isThrownBy(() -> context.getBean(Runnable.class).run()));
	}

	@Test
	void securedThatNothingEnablesRefusesToStart() {
		this.servlet.withBean(SecuredBean.class)
			.run((context) -> assertInvalidProperty(context, PROPERTY).hasMessageContaining("@Secured")
				.hasMessageContaining("securedEnabled = true"));
		this.servlet.withUserConfiguration(SecuredMethodSecurity.class)
			.withBean(SecuredBean.class)
			.run((context) -> assertThatExceptionOfType(AuthenticationCredentialsNotFoundException.class)
				.isThrownBy(() -> context.getBean(SecuredBean.class).call()));
	}

	@Test
	void rolesAllowedThatNothingEnablesRefusesToStart() {
		this.servlet.withBean(RolesAllowedBean.class)
			.run((context) -> assertInvalidProperty(context, PROPERTY).hasMessageContaining("@RolesAllowed")
				.hasMessageContaining("jsr250Enabled = true"));
	}

	private static String[] receiving() {
		return new String[] { "cloudrun.auth.receiving.audiences=https://receiving-123456789012.us-central1.run.app",
				"cloudrun.auth.receiving.allowed-callers=" + CALLER,
				"cloudrun.auth.receiving.jwk-set-uri=" + google.emulator().jwkSetUri() };
	}

	static class Plain {

		String call() {
			return "open";
		}

	}

	static class PreAuthorized {

		@PreAuthorize("isAuthenticated()")
		public String call() {
			return "called";
		}

	}

	@AllowCallers(CALLER)
	abstract static class AllowCallersBase {

		public String call() {
			return "called";
		}

	}

	static class InheritsAllowCallers extends AllowCallersBase {

	}

	interface Guarded {

		@PreAuthorize("isAuthenticated()")
		String call();

	}

	static class ImplementsGuarded implements Guarded {

		@Override
		public String call() {
			return "called";
		}

	}

	static class ReactivePreAuthorized {

		@PreAuthorize("isAuthenticated()")
		public Mono<String> call() {
			return Mono.just("called");
		}

	}

	static class SecuredBean {

		@Secured("ROLE_USER")
		public String call() {
			return "called";
		}

	}

	static class RolesAllowedBean {

		@RolesAllowed("USER")
		public String call() {
			return "called";
		}

	}

	static class HiddenTask implements Runnable {

		@Override
		@PreAuthorize("isAuthenticated()")
		public void run() {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class HiddenAnnotations {

		@Bean
		Runnable hidden() {
			return new HiddenTask();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableMethodSecurity
	static class OwnMethodSecurity {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableMethodSecurity(securedEnabled = true)
	static class SecuredMethodSecurity {

	}

}
