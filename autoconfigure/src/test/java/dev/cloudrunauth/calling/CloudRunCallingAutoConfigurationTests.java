package dev.cloudrunauth.calling;

import java.net.URI;

import com.google.auth.oauth2.GoogleCredentials;
import dev.cloudrunauth.test.emulator.EmulatorEndpoint;
import dev.cloudrunauth.test.emulator.EmulatorHttpTransportFactory;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.boot.http.client.autoconfigure.reactive.ClientHttpConnectorBuilderCustomizer;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.restclient.RestTemplateCustomizer;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;

import static dev.cloudrunauth.StartupFailures.assertBindingFailure;
import static dev.cloudrunauth.StartupFailures.assertInvalidProperty;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

class CloudRunCallingAutoConfigurationTests {

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CloudRunCallingAutoConfiguration.class));

	@Test
	void sourceTargetsInterceptorFilterAndCustomizersAreAutoConfigured() {
		this.runner.withPropertyValues("cloudrun.auth.calling.targets.receiving.url=https://receiving-1.a.run.app")
			.run((context) -> {
				assertThat(context).hasSingleBean(GoogleIdTokenSource.class);
				assertThat(context).hasSingleBean(CallingTargets.class);
				assertThat(context).hasSingleBean(IdTokenClientHttpRequestInterceptor.class);
				assertThat(context).hasSingleBean(IdTokenExchangeFilterFunction.class);
				assertThat(context).hasSingleBean(WebClientCustomizer.class);
				assertThat(context).hasSingleBean(ClientHttpRequestFactoryBuilderCustomizer.class);
				assertThat(context).hasSingleBean(ClientHttpConnectorBuilderCustomizer.class);
			});
	}

	@Test
	void restClientsAndRestTemplatesGetTokensFromTheirRequestFactoryNotFromAnInterceptor() {
		this.runner.withPropertyValues("cloudrun.auth.calling.targets.receiving.url=https://receiving-1.a.run.app")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(RestClientCustomizer.class);
				assertThat(context).doesNotHaveBean(RestTemplateCustomizer.class);
			});
	}

	@Test
	void startingMakesNoRequestToGoogle() {
		this.runner
			.withBean(EmulatorHttpTransportFactory.class, () -> new EmulatorHttpTransportFactory(google.emulator()))
			.withPropertyValues("cloudrun.auth.calling.targets.receiving.url=https://receiving-1.a.run.app")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				for (EmulatorEndpoint endpoint : EmulatorEndpoint.values()) {
					assertThat(google.emulator().requests(endpoint)).as(endpoint.name()).isZero();
				}
			});
	}

	@Test
	void targetsAreBoundWithDefaultAudienceAndHeaders() {
		this.runner
			.withPropertyValues("cloudrun.auth.calling.header=x-serverless-authorization",
					"cloudrun.auth.calling.targets.receiving.url=https://receiving-1.a.run.app/api",
					"cloudrun.auth.calling.targets.fn.url=https://us-central1-p.cloudfunctions.net/fn",
					"cloudrun.auth.calling.targets.fn.audience=https://us-central1-p.cloudfunctions.net/fn",
					"cloudrun.auth.calling.targets.fn.header=authorization")
			.run((context) -> {
				CallingTargets targets = context.getBean(CallingTargets.class);
				assertThat(targets.asList()).containsExactly(
						new CallingTarget("receiving", URI.create("https://receiving-1.a.run.app/api"),
								"https://receiving-1.a.run.app", IdTokenHeader.X_SERVERLESS_AUTHORIZATION),
						new CallingTarget("fn", URI.create("https://us-central1-p.cloudfunctions.net/fn"),
								"https://us-central1-p.cloudfunctions.net/fn", IdTokenHeader.AUTHORIZATION));
			});
	}

	@Test
	void backsOffFromUserDefinedBeans() {
		IdTokenSource source = mock(IdTokenSource.class);
		this.runner.withUserConfiguration(UserBeans.class)
			.withBean(IdTokenSource.class, () -> source)
			.run((context) -> {
				assertThat(context).getBean(IdTokenSource.class).isSameAs(source);
				assertThat(context).doesNotHaveBean(GoogleIdTokenSource.class);
				assertThat(context).getBean(CallingTargets.class).isSameAs(context.getBean("userTargets"));
				assertThat(context).getBean(IdTokenClientHttpRequestInterceptor.class)
					.isSameAs(context.getBean("userInterceptor"));
			});
	}

	@Test
	void disabledCallingSideConfiguresNothing() {
		this.runner.withPropertyValues("cloudrun.auth.calling.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(IdTokenSource.class);
			assertThat(context).doesNotHaveBean(CallingTargets.class);
			assertThat(context).doesNotHaveBean(ClientHttpRequestFactoryBuilderCustomizer.class);
			assertThat(context).doesNotHaveBean(WebClientCustomizer.class);
		});
	}

	@Test
	void withoutGoogleAuthLibraryNothingIsConfigured() {
		this.runner.withClassLoader(new FilteredClassLoader(GoogleCredentials.class))
			.run((context) -> assertThat(context).doesNotHaveBean(IdTokenSource.class));
	}

	@Test
	void theTokenCacheIsMeasuredWithMicrometer() {
		this.runner
			.run((context) -> assertThat(context).hasSingleBean(MeterBinder.class).hasBean("cloudRunTokenCacheMeters"));
	}

	@Test
	void withoutMicrometerTheSourceIsConfiguredWithoutMeters() {
		this.runner.withClassLoader(new FilteredClassLoader(MeterBinder.class)).run((context) -> {
			assertThat(context).hasSingleBean(GoogleIdTokenSource.class);
			assertThat(context).doesNotHaveBean("cloudRunTokenCacheMeters");
		});
	}

	@Test
	void withoutWebFluxThereIsNoExchangeFilter() {
		this.runner.withClassLoader(new FilteredClassLoader(ExchangeFilterFunction.class)).run((context) -> {
			assertThat(context).hasSingleBean(IdTokenClientHttpRequestInterceptor.class);
			assertThat(context).doesNotHaveBean(IdTokenExchangeFilterFunction.class);
			assertThat(context).doesNotHaveBean(WebClientCustomizer.class);
		});
	}

	@Test
	void withoutSpringBootHttpClientSupportThereIsOnlyTheInterceptorForClientsBuiltByHand() {
		this.runner.withClassLoader(new FilteredClassLoader(ClientHttpRequestFactoryBuilderCustomizer.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(IdTokenClientHttpRequestInterceptor.class);
				assertThat(context).doesNotHaveBean(ClientHttpRequestFactoryBuilderCustomizer.class);
			});
	}

	@Test
	void targetWithoutUrlFailsNamingTheProperty() {
		this.runner.withPropertyValues("cloudrun.auth.calling.targets.receiving.audience=https://x.example")
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.calling.targets.receiving.url"));
	}

	@Test
	void relativeTargetUrlFailsNamingTheProperty() {
		this.runner.withPropertyValues("cloudrun.auth.calling.targets.receiving.url=receiving-1.a.run.app")
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.calling.targets.receiving.url")
				.hasMessageContaining("absolute http, https or grpc URL"));
	}

	@Test
	void malformedTargetUrlFailsNamingTheProperty() {
		this.runner.withPropertyValues("cloudrun.auth.calling.targets.receiving.url=https://receiving 1.run.app")
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.calling.targets.receiving.url"));
	}

	@Test
	void targetUrlWithQueryFailsNamingTheProperty() {
		this.runner.withPropertyValues("cloudrun.auth.calling.targets.receiving.url=https://receiving-1.a.run.app?a=b")
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.calling.targets.receiving.url"));
	}

	@Test
	void blankAudienceFailsNamingTheProperty() {
		this.runner
			.withPropertyValues("cloudrun.auth.calling.targets.receiving.url=https://receiving-1.a.run.app",
					"cloudrun.auth.calling.targets.receiving.audience= ")
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.calling.targets.receiving.audience"));
	}

	@Test
	void unknownHeaderFailsNamingTheProperty() {
		this.runner.withPropertyValues("cloudrun.auth.calling.header=x-custom-auth")
			.run((context) -> assertBindingFailure(context, "cloudrun.auth.calling.header"));
	}

	@Test
	void unknownTargetHeaderFailsNamingTheProperty() {
		this.runner
			.withPropertyValues("cloudrun.auth.calling.targets.receiving.url=https://receiving-1.a.run.app",
					"cloudrun.auth.calling.targets.receiving.header=proxy-authorization")
			.run((context) -> assertBindingFailure(context, "cloudrun.auth.calling.targets.receiving.header"));
	}

	@Test
	void missingCredentialsFileFailsNamingTheProperty() {
		this.runner.withPropertyValues("cloudrun.auth.calling.credentials-location=file:/does/not/exist/key.json")
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.calling.credentials-location")
				.hasMessageContaining("does not exist"));
	}

	@Test
	void impersonationOfSomethingThatIsNotAnEmailFailsNamingTheProperty() {
		this.runner.withPropertyValues("cloudrun.auth.calling.impersonate-service-account=caller")
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.calling.impersonate-service-account"));
	}

	@Test
	void nonPositiveTimeoutFailsNamingTheProperty() {
		this.runner.withPropertyValues("cloudrun.auth.calling.timeout=0s")
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.calling.timeout"));
	}

	@Test
	void maximumBackoffBelowInitialFailsNamingTheProperty() {
		this.runner
			.withPropertyValues("cloudrun.auth.calling.backoff.initial=10s", "cloudrun.auth.calling.backoff.max=1s")
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.calling.backoff.max"));
	}

	@Test
	void credentialsBeanAndCredentialsLocationTogetherFail() {
		this.runner.withBean(GoogleCredentials.class, () -> mock(GoogleCredentials.class))
			.withPropertyValues("cloudrun.auth.calling.credentials-location=classpath:application.properties")
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.calling.credentials-location")
				.hasMessageContaining("GoogleCredentials bean"));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		@Bean
		CallingTargets userTargets() {
			return new CallingTargets(java.util.List.of());
		}

		@Bean
		IdTokenClientHttpRequestInterceptor userInterceptor(IdTokenSource source) {
			return new IdTokenClientHttpRequestInterceptor(source, userTargets());
		}

	}

}
