package dev.cloudrunauth.receiving;

import dev.cloudrunauth.ProcessEnvironments;
import dev.cloudrunauth.test.emulator.EmulatorEndpoint;
import dev.cloudrunauth.test.emulator.Fault;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
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
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static dev.cloudrunauth.StartupFailures.assertInvalidProperty;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@ExtendWith(OutputCaptureExtension.class)
class CloudRunReceivingAutoConfigurationTests {

	private static final String AUDIENCE = "https://receiving-123456789012.us-central1.run.app";

	private static final String CALLERS = "cloudrun.auth.receiving.allowed-callers=calling@p.iam.gserviceaccount.com";

	private static final String ANY_CALLER = "cloudrun.auth.receiving.allow-any-caller=true";

	/**
	 * Where the application's own resolver and converter look for the token, which the
	 * starter's never read.
	 */
	private static final String TOKEN_HEADER = "X-Test-Token";

	/**
	 * The only token the application's own decoders accept, as a JWT that is no verified
	 * Google ID token.
	 */
	private static final String OWN_TOKEN = "let-me-in";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();

	private final WebApplicationContextRunner servlet = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CloudRunReceivingAutoConfiguration.class,
				CloudRunReceivingServletAutoConfiguration.class,
				CloudRunReceivingServletWebSecurityAutoConfiguration.class, SecurityAutoConfiguration.class,
				ServletWebSecurityAutoConfiguration.class, UserDetailsServiceAutoConfiguration.class,
				OAuth2ResourceServerAutoConfiguration.class, OAuth2ResourceServerWebSecurityAutoConfiguration.class));

	private final ReactiveWebApplicationContextRunner reactive = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CloudRunReceivingAutoConfiguration.class,
				CloudRunReceivingReactiveAutoConfiguration.class,
				CloudRunReceivingReactiveWebSecurityAutoConfiguration.class, ReactiveWebSecurityAutoConfiguration.class,
				ReactiveUserDetailsServiceAutoConfiguration.class, ReactiveOAuth2ResourceServerAutoConfiguration.class,
				ReactiveOAuth2ResourceServerWebSecurityAutoConfiguration.class, WebFluxAutoConfiguration.class));

	@Test
	void servletApplicationGetsDecoderResolverConverterAndFilterChain() {
		this.servlet.withPropertyValues(audience()).run((context) -> {
			assertThat(context).hasSingleBean(GoogleIdTokenDecoder.class);
			assertThat(context).getBean(BearerTokenResolver.class).isInstanceOf(CloudRunBearerTokenResolver.class);
			assertThat(context).hasSingleBean(SecurityFilterChain.class);
			assertThat(context).hasBean("cloudRunReceivingSecurityFilterChain");
			assertThat(context).hasSingleBean(AllowedCallersAuthorizationManager.class);
			assertThat(context).hasSingleBean(SigningKeyCache.class);
			assertThat(context).hasBean("caller").getBean("caller").isInstanceOf(CallerExpressions.class);
			assertThat(context).doesNotHaveBean("preAuthorizeAuthorizationMethodInterceptor");
			assertThat(context).doesNotHaveBean(org.springframework.security.core.userdetails.UserDetailsService.class);
		});
	}

	@Test
	void principalIsTheEmailClaim() {
		this.servlet.withPropertyValues(audience()).run((context) -> {
			JwtAuthenticationConverter converter = context.getBean(JwtAuthenticationConverter.class);
			org.springframework.security.oauth2.jwt.Jwt jwt = org.springframework.security.oauth2.jwt.Jwt
				.withTokenValue("t")
				.header("alg", "RS256")
				.claim("sub", "1234")
				.claim("email", "caller@p.iam.gserviceaccount.com")
				.build();
			assertThat(converter.convert(jwt).getName()).isEqualTo("caller@p.iam.gserviceaccount.com");
		});
	}

	@Test
	void reactiveApplicationGetsDecoderConverterAndFilterChain() {
		this.reactive.withPropertyValues(audience()).run((context) -> {
			assertThat(context).hasSingleBean(ReactiveGoogleIdTokenDecoder.class);
			assertThat(context).hasSingleBean(CloudRunServerBearerTokenAuthenticationConverter.class);
			assertThat(context).hasSingleBean(SecurityWebFilterChain.class);
			assertThat(context).doesNotHaveBean(GoogleIdTokenDecoder.class);
			assertThat(context).doesNotHaveBean("preAuthorizeAuthorizationMethodInterceptor");
		});
	}

	@Test
	void startingMakesNoBlockingRequestAndFetchesKeysInTheBackground() {
		google.emulator().inject(EmulatorEndpoint.JWKS, Fault.delay(java.time.Duration.ofSeconds(3)));
		long start = System.nanoTime();
		this.servlet.withPropertyValues(audience()).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(java.time.Duration.ofNanos(System.nanoTime() - start))
				.isLessThan(java.time.Duration.ofSeconds(3));
			assertThat(google.emulator().requests(EmulatorEndpoint.METADATA)).isZero();
		});
	}

	@Test
	void backsOffFromUserDecoderResolverAndFilterChain() {
		this.servlet.withPropertyValues(audience()).withUserConfiguration(UserSecurity.class).run((context) -> {
			assertThat(context).getBean(JwtDecoder.class).isSameAs(context.getBean("userDecoder"));
			assertThat(context).doesNotHaveBean(GoogleIdTokenDecoder.class);
			assertThat(context).getBean(BearerTokenResolver.class).isSameAs(context.getBean("userResolver"));
			assertThat(context).doesNotHaveBean(CloudRunBearerTokenResolver.class);
			assertThat(context).getBean(SecurityFilterChain.class).isSameAs(context.getBean("userChain"));
			assertThat(context).doesNotHaveBean("cloudRunReceivingSecurityFilterChain");
			assertThat(context).doesNotHaveBean("allowCallersAuthorizationAdvisor");
			assertThat(context).doesNotHaveBean("preAuthorizeAuthorizationMethodInterceptor");
		});
	}

	@Test
	void servletFilterChainUsesTheApplicationsBearerTokenResolver() {
		String token = google.emulator().idToken(AUDIENCE).sign();
		ReceivingContexts.servlet(google.emulator(), AUDIENCE)
			.withPropertyValues(ANY_CALLER)
			.withUserConfiguration(OwnResolver.class, ServletHello.class)
			.run((context) -> {
				assertThat(context).hasBean("cloudRunReceivingSecurityFilterChain");
				assertThat(context).doesNotHaveBean(CloudRunBearerTokenResolver.class);
				MockMvc mvc = ReceivingContexts.mockMvc(context);
				mvc.perform(get("/hello").header(TOKEN_HEADER, token)).andExpect(status().isOk());
				mvc.perform(get("/hello").header("Authorization", "Bearer " + token))
					.andExpect(status().isUnauthorized());
			});
	}

	@Test
	void servletFilterChainUsesTheApplicationsJwtDecoder() {
		ReceivingContexts.servlet(google.emulator(), AUDIENCE)
			.withPropertyValues(ANY_CALLER)
			.withUserConfiguration(OwnDecoder.class, ServletHello.class)
			.run((context) -> {
				assertThat(context).hasBean("cloudRunReceivingSecurityFilterChain");
				assertThat(context).doesNotHaveBean(GoogleIdTokenDecoder.class);
				// decoded, so authenticated; no Google identity, so no caller rule admits
				// it
				ReceivingContexts.mockMvc(context)
					.perform(get("/hello").header("Authorization", "Bearer " + OWN_TOKEN))
					.andExpect(status().isForbidden());
			});
	}

	@Test
	void reactiveBacksOffFromUserDecoderConverterAndFilterChain() {
		this.reactive.withPropertyValues(audience())
			.withUserConfiguration(UserReactiveSecurity.class)
			.run((context) -> {
				assertThat(context).getBean(ReactiveJwtDecoder.class).isSameAs(context.getBean("userDecoder"));
				assertThat(context).doesNotHaveBean(ReactiveGoogleIdTokenDecoder.class);
				assertThat(context).getBean(ServerAuthenticationConverter.class)
					.isSameAs(context.getBean("userConverter"));
				assertThat(context).doesNotHaveBean(CloudRunServerBearerTokenAuthenticationConverter.class);
				assertThat(context).getBean(SecurityWebFilterChain.class).isSameAs(context.getBean("userChain"));
				assertThat(context).doesNotHaveBean("cloudRunReceivingSecurityWebFilterChain");
				assertThat(context).doesNotHaveBean("reactiveAllowCallersAuthorizationAdvisor");
				assertThat(context).doesNotHaveBean("preAuthorizeAuthorizationMethodInterceptor");
			});
	}

	@Test
	void reactiveFilterChainUsesTheApplicationsServerAuthenticationConverter() {
		String token = google.emulator().idToken(AUDIENCE).sign();
		ReceivingContexts.reactive(google.emulator(), AUDIENCE)
			.withPropertyValues(ANY_CALLER)
			.withUserConfiguration(OwnConverter.class, ReactiveHello.class)
			.run((context) -> {
				assertThat(context).hasBean("cloudRunReceivingSecurityWebFilterChain");
				assertThat(context).doesNotHaveBean(CloudRunServerBearerTokenAuthenticationConverter.class);
				WebTestClient client = ReceivingContexts.webTestClient(context);
				client.get().uri("/hello").header(TOKEN_HEADER, token).exchange().expectStatus().isOk();
				client.get()
					.uri("/hello")
					.header("Authorization", "Bearer " + token)
					.exchange()
					.expectStatus()
					.isUnauthorized();
			});
	}

	@Test
	void reactiveFilterChainUsesTheApplicationsReactiveJwtDecoder() {
		ReceivingContexts.reactive(google.emulator(), AUDIENCE)
			.withPropertyValues(ANY_CALLER)
			.withUserConfiguration(OwnReactiveDecoder.class, ReactiveHello.class)
			.run((context) -> {
				assertThat(context).hasBean("cloudRunReceivingSecurityWebFilterChain");
				assertThat(context).doesNotHaveBean(ReactiveGoogleIdTokenDecoder.class);
				// decoded, so authenticated; no Google identity, so no caller rule admits
				// it
				ReceivingContexts.webTestClient(context)
					.get()
					.uri("/hello")
					.header("Authorization", "Bearer " + OWN_TOKEN)
					.exchange()
					.expectStatus()
					.isForbidden();
			});
	}

	@Test
	void withoutTheWebSecurityAutoConfigurationAllowCallersInUseRefusesToStart() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(CloudRunReceivingAutoConfiguration.class,
					CloudRunReceivingServletAutoConfiguration.class, SecurityAutoConfiguration.class,
					ServletWebSecurityAutoConfiguration.class))
			.withPropertyValues(audience())
			.withUserConfiguration(AllowCallersInUse.class)
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.receiving.method-security")
				.hasMessageContaining("uses @AllowCallers"));
	}

	@Test
	void webSecurityNeedsTheReceivingSide() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(CloudRunReceivingServletWebSecurityAutoConfiguration.class,
					SecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean("cloudRunReceivingSecurityFilterChain");
				assertThat(context).doesNotHaveBean("allowCallersAuthorizationAdvisor");
			});
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(CloudRunReceivingReactiveWebSecurityAutoConfiguration.class,
					ReactiveWebSecurityAutoConfiguration.class, WebFluxAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean("cloudRunReceivingSecurityWebFilterChain");
				assertThat(context).doesNotHaveBean("reactiveAllowCallersAuthorizationAdvisor");
			});
	}

	@Test
	void theDefaultChainsNeedTheDecoderAutoConfigurations() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(CloudRunReceivingAutoConfiguration.class,
					CloudRunReceivingServletWebSecurityAutoConfiguration.class, SecurityAutoConfiguration.class,
					ServletWebSecurityAutoConfiguration.class))
			.withPropertyValues(audience())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean("cloudRunReceivingSecurityFilterChain");
			});
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(CloudRunReceivingAutoConfiguration.class,
					CloudRunReceivingReactiveWebSecurityAutoConfiguration.class,
					ReactiveWebSecurityAutoConfiguration.class, WebFluxAutoConfiguration.class))
			.withPropertyValues(audience())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean("cloudRunReceivingSecurityWebFilterChain");
			});
	}

	@Test
	void applicationsOwnMethodSecurityIsKept() {
		this.servlet.withPropertyValues(audience()).withUserConfiguration(UserMethodSecurity.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasBean("preAuthorizeAuthorizationMethodInterceptor");
			assertThat(context).hasBean("securedAuthorizationMethodInterceptor");
		});
	}

	@Test
	void methodSecurityCanBeOptedOutOf() {
		this.servlet.withPropertyValues(audience())
			.withPropertyValues("cloudrun.auth.receiving.method-security=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean("preAuthorizeAuthorizationMethodInterceptor");
				assertThat(context).doesNotHaveBean("allowCallersAuthorizationAdvisor");
				assertThat(context).hasBean("cloudRunReceivingSecurityFilterChain");
				// for the application's own method security
				assertThat(context).hasBean("caller");
			});
	}

	@Test
	void reactiveMethodSecurityCanBeOptedOutOf() {
		this.reactive.withPropertyValues(audience())
			.withPropertyValues("cloudrun.auth.receiving.method-security=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean("preAuthorizeAuthorizationMethodInterceptor");
				assertThat(context).doesNotHaveBean("reactiveAllowCallersAuthorizationAdvisor");
				assertThat(context).hasBean("cloudRunReceivingSecurityWebFilterChain");
			});
	}

	@Test
	void disabledReceivingSideConfiguresNothing() {
		this.servlet.withPropertyValues("cloudrun.auth.receiving.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(GoogleIdTokenDecoder.class);
			assertThat(context).doesNotHaveBean(SigningKeyCache.class);
			assertThat(context).doesNotHaveBean("cloudRunReceivingSecurityFilterChain");
		});
	}

	@Test
	void nonWebApplicationWithoutGrpcServerIsLeftAlone() {
		ApplicationContextRunner nonWeb = new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(
				CloudRunReceivingAutoConfiguration.class, CloudRunReceivingServletAutoConfiguration.class,
				CloudRunReceivingServletWebSecurityAutoConfiguration.class));
		nonWeb.withClassLoader(new FilteredClassLoader("org.springframework.grpc")).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(SigningKeyCache.class);
		});
		nonWeb.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(SigningKeyCache.class);
		});
		nonWeb.withBean(BindableService.class, () -> () -> ServerServiceDefinition.builder("test.Echo").build())
			.withPropertyValues("spring.grpc.server.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(SigningKeyCache.class);
			});
	}

	@Test
	void noAudienceOffCloudRunFailsNamingTheProperty() {
		this.servlet.run((context) -> assertInvalidProperty(context, "cloudrun.auth.receiving.audiences")
			.hasMessageContaining("replayed"));
	}

	@Test
	void noAudienceOnCloudRunIsDerivedFromTheMetadataServer() {
		this.servlet
			.withInitializer(ProcessEnvironments.with("K_SERVICE", "receiving", "GCE_METADATA_HOST",
					google.emulator().metadataHost()))
			.withPropertyValues(CALLERS, jwkSetUri())
			.run((context) -> assertThat(context.getBean(ReceivingSettings.class).audiences())
				.containsExactly("https://receiving-123456789012.us-central1.run.app"));
	}

	@Test
	void noAudienceOnCloudRunWithAnUnreachableMetadataServerFailsNamingTheProperty() {
		google.emulator().inject(EmulatorEndpoint.METADATA, Fault.refuseConnections());
		this.servlet
			.withInitializer(ProcessEnvironments.with("K_SERVICE", "receiving", "GCE_METADATA_HOST",
					google.emulator().metadataHost()))
			.withPropertyValues(CALLERS)
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.receiving.audiences")
				.hasMessageContaining("metadata server"));
	}

	@Test
	void blankAudienceFailsNamingTheProperty() {
		this.servlet.withPropertyValues("cloudrun.auth.receiving.audiences=" + AUDIENCE + ", ", CALLERS, jwkSetUri())
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.receiving.audiences"));
	}

	@Test
	void relativeJwkSetUriFailsNamingTheProperty() {
		this.servlet
			.withPropertyValues("cloudrun.auth.receiving.audiences=" + AUDIENCE, CALLERS,
					"cloudrun.auth.receiving.jwk-set-uri=/oauth2/v3/certs")
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.receiving.jwk-set-uri"));
	}

	@Test
	void publicPathWithoutLeadingSlashFailsNamingTheProperty() {
		this.servlet.withPropertyValues(audience())
			.withPropertyValues("cloudrun.auth.receiving.public-paths=actuator/health")
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.receiving.public-paths"));
	}

	@Test
	void emptyIssuersFailNamingTheProperty() {
		this.servlet.withPropertyValues(audience())
			.withPropertyValues("cloudrun.auth.receiving.issuers=")
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.receiving.issuers"));
	}

	@Test
	void trustModeRefusesToStartOffCloudRun() {
		this.servlet.withPropertyValues(audience())
			.withPropertyValues("cloudrun.auth.receiving.trust-cloud-run-iam=true")
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.receiving.trust-cloud-run-iam")
				.hasMessageContaining("K_SERVICE"));
	}

	@Test
	void kServiceCountsOnlyFromTheProcessEnvironment() {
		this.servlet.withPropertyValues(audience())
			.withPropertyValues("cloudrun.auth.receiving.trust-cloud-run-iam=true", "K_SERVICE=fake")
			.withSystemProperties("K_SERVICE=fake")
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.receiving.trust-cloud-run-iam")
				.hasMessageContaining("K_SERVICE"));
	}

	@Test
	void trustModeStartsOnCloudRunOrWhenForcedForTests() {
		this.servlet.withPropertyValues(audience())
			.withPropertyValues("cloudrun.auth.receiving.trust-cloud-run-iam=true",
					"cloudrun.auth.receiving.check-invoker-iam=false")
			.withInitializer(ProcessEnvironments.with("K_SERVICE", "r"))
			.run((context) -> {
				assertThat(context.getBean(ReceivingSettings.class).trustCloudRunIam()).isTrue();
				assertThat(context).doesNotHaveBean(InvokerIamCheck.class);
			});
		this.servlet.withPropertyValues(audience())
			.withPropertyValues("cloudrun.auth.receiving.trust-cloud-run-iam=true",
					"cloudrun.auth.receiving.trust-cloud-run-iam-outside-cloud-run=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(InvokerIamCheck.class);
			});
	}

	@Test
	void trustModeOnCloudRunChecksTheInvokerIamSetting() {
		this.servlet.withPropertyValues(audience())
			.withPropertyValues("cloudrun.auth.receiving.trust-cloud-run-iam=true",
					"cloudrun.auth.receiving.cloud-run-api-uri=http://127.0.0.1:9")
			.withInitializer(ProcessEnvironments.with("K_SERVICE", "receiving", "GCE_METADATA_HOST",
					google.emulator().metadataHost()))
			.run((context) -> assertThat(context).hasSingleBean(InvokerIamCheck.class));
	}

	@Test
	void verifyModeWithoutAllowedCallersRefusesToStartNamingTheProperty() {
		this.servlet.withPropertyValues("cloudrun.auth.receiving.audiences=" + AUDIENCE, jwkSetUri())
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.receiving.allowed-callers")
				.hasMessageContaining("any service account of any Google Cloud project")
				.hasMessageContaining("cloudrun.auth.receiving.allow-any-caller=true"));
		this.reactive.withPropertyValues("cloudrun.auth.receiving.audiences=" + AUDIENCE, jwkSetUri())
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.receiving.allowed-callers"));
	}

	@Test
	void allowAnyCallerIsSaidOutLoud(CapturedOutput output) {
		this.servlet
			.withPropertyValues("cloudrun.auth.receiving.audiences=" + AUDIENCE, jwkSetUri(),
					"cloudrun.auth.receiving.allow-any-caller=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(CloudRunReceivingAutoConfiguration.CallerRule.class).callers())
					.hasToString("any Google identity");
				assertThat(output).contains("WARN").contains("allow-any-caller=true: every Google identity");
			});
	}

	@Test
	void allowAnyCallerBesideAllowedCallersRefusesToStart() {
		this.servlet.withPropertyValues(audience())
			.withPropertyValues("cloudrun.auth.receiving.allow-any-caller=true")
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.receiving.allow-any-caller"));
	}

	@Test
	void trustModeMayLeaveTheCallersToCloudRun() {
		this.servlet
			.withPropertyValues("cloudrun.auth.receiving.audiences=" + AUDIENCE, jwkSetUri(),
					"cloudrun.auth.receiving.trust-cloud-run-iam=true",
					"cloudrun.auth.receiving.trust-cloud-run-iam-outside-cloud-run=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				// as the startup line says it
				assertThat(context.getBean(CloudRunReceivingAutoConfiguration.CallerRule.class).callers())
					.hasToString("those granted roles/run.invoker");
			});
	}

	@Test
	void allowedCallersMustBeAsciiEmailsOrDomainPatterns() {
		for (String entry : new String[] { "calling-service", "\u212Aiosk@p.iam.gserviceaccount.com", "*@*.example",
				"a*@p.example" }) {
			this.servlet
				.withPropertyValues("cloudrun.auth.receiving.audiences=" + AUDIENCE, jwkSetUri(),
						"cloudrun.auth.receiving.allowed-callers=" + entry)
				.run((context) -> assertInvalidProperty(context, "cloudrun.auth.receiving.allowed-callers")
					.hasMessageContaining("ASCII email"));
		}
		this.servlet
			.withPropertyValues("cloudrun.auth.receiving.audiences=" + AUDIENCE, jwkSetUri(),
					"cloudrun.auth.receiving.allowed-callers=*@my-project.iam.gserviceaccount.com,a@b.example")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void aRefetchIntervalUnderOneSecondRefusesToStart() {
		this.servlet.withPropertyValues(audience())
			.withPropertyValues("cloudrun.auth.receiving.jwk-set-refetch-interval=0s")
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.receiving.jwk-set-refetch-interval")
				.hasMessageContaining("at least 1s"));
		this.servlet.withPropertyValues(audience())
			.withPropertyValues("cloudrun.auth.receiving.jwk-set-refetch-interval=999ms")
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.receiving.jwk-set-refetch-interval"));
	}

	@Test
	void otherNewDurationsAndUrisAreValidated() {
		this.servlet.withPropertyValues(audience())
			.withPropertyValues("cloudrun.auth.receiving.max-token-lifetime=0s")
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.receiving.max-token-lifetime"));
		this.servlet.withPropertyValues(audience())
			.withPropertyValues("cloudrun.auth.receiving.check-invoker-iam-interval=5s")
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.receiving.check-invoker-iam-interval"));
		this.servlet.withPropertyValues(audience())
			.withPropertyValues("cloudrun.auth.receiving.cloud-run-api-uri=/v2")
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.receiving.cloud-run-api-uri"));
	}

	private static String[] audience() {
		return new String[] { "cloudrun.auth.receiving.audiences=" + AUDIENCE, CALLERS, jwkSetUri() };
	}

	private static String jwkSetUri() {
		return "cloudrun.auth.receiving.jwk-set-uri=" + google.emulator().jwkSetUri();
	}

	@Configuration(proxyBeanMethods = false)
	static class UserSecurity {

		@Bean
		JwtDecoder userDecoder() {
			return mock(JwtDecoder.class);
		}

		@Bean
		BearerTokenResolver userResolver() {
			return (request) -> null;
		}

		@Bean
		SecurityFilterChain userChain(HttpSecurity http) {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll()).build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableMethodSecurity(securedEnabled = true)
	static class UserMethodSecurity {

	}

	@Configuration(proxyBeanMethods = false)
	static class UserReactiveSecurity {

		@Bean
		ReactiveJwtDecoder userDecoder() {
			return mock(ReactiveJwtDecoder.class);
		}

		@Bean
		ServerAuthenticationConverter userConverter() {
			return (exchange) -> Mono.empty();
		}

		@Bean
		SecurityWebFilterChain userChain(ServerHttpSecurity http) {
			return http.authorizeExchange((exchanges) -> exchanges.anyExchange().permitAll()).build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnResolver {

		@Bean
		BearerTokenResolver ownResolver() {
			return (request) -> request.getHeader(TOKEN_HEADER);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnConverter {

		@Bean
		ServerAuthenticationConverter ownConverter() {
			return (exchange) -> Mono.justOrEmpty(exchange.getRequest().getHeaders().getFirst(TOKEN_HEADER))
				.map(BearerTokenAuthenticationToken::new);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnDecoder {

		@Bean
		JwtDecoder ownDecoder() {
			return (token) -> {
				if (!OWN_TOKEN.equals(token)) {
					throw new BadJwtException("Not our token");
				}
				return ownJwt(token);
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnReactiveDecoder {

		@Bean
		ReactiveJwtDecoder ownReactiveDecoder() {
			return (token) -> OWN_TOKEN.equals(token) ? Mono.just(ownJwt(token))
					: Mono.error(new BadJwtException("Not our token"));
		}

	}

	private static Jwt ownJwt(String token) {
		return Jwt.withTokenValue(token)
			.header("alg", "none")
			.claim("email", "calling@p.iam.gserviceaccount.com")
			.build();
	}

	static class AllowCallersInUse {

		@AllowCallers("reader@p.iam.gserviceaccount.com")
		public String reports() {
			return "reports";
		}

	}

	@RestController
	static class ServletHello {

		@GetMapping("/hello")
		String hello() {
			return "hello";
		}

	}

	@RestController
	static class ReactiveHello {

		@GetMapping("/hello")
		Mono<String> hello() {
			return Mono.just("hello");
		}

	}

}
