package dev.cloudrunauth.receiving;

import java.util.ArrayList;
import java.util.List;

import dev.cloudrunauth.receiving.CloudRunReceivingAutoConfiguration.CallerRule;
import dev.cloudrunauth.receiving.CloudRunReceivingAutoConfiguration.IdTokenValidation;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnNotWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.grpc.server.security.AuthenticationProcessInterceptor;
import org.springframework.grpc.server.security.GrpcSecurity;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the receiving side of gRPC servers: the caller rules of HTTP
 * requests for every call, the token from the same headers, and the gRPC health service
 * public.
 */
@AutoConfiguration(
		after = { CloudRunReceivingAutoConfiguration.class, CloudRunReceivingServletAutoConfiguration.class,
				CloudRunReceivingReactiveAutoConfiguration.class },
		afterName = { "org.springframework.boot.grpc.server.autoconfigure.security.GrpcServerSecurityAutoConfiguration",
				"org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration" },
		beforeName = {
				"org.springframework.boot.grpc.server.autoconfigure.security.GrpcServerOAuth2ResourceServerAutoConfiguration",
				"org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration" })
@ConditionalOnClass(name = { "io.grpc.BindableService", "org.springframework.grpc.server.GrpcServerFactory",
		"org.springframework.grpc.server.security.GrpcSecurity",
		"org.springframework.security.config.ObjectPostProcessor", "org.springframework.security.oauth2.jwt.JwtDecoder",
		"org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter" })
@ConditionalOnBooleanProperty(name = "spring.grpc.server.enabled", matchIfMissing = true)
@ConditionalOnCloudRunReceivingEnabled
public final class CloudRunReceivingGrpcServerAutoConfiguration {

	/**
	 * The gRPC health service's methods, named one by one so that a method added to the
	 * service later stays closed. Cloud Run's gRPC probes carry no token.
	 */
	private static final String[] HEALTH_METHODS = { "grpc.health.v1.Health/Check", "grpc.health.v1.Health/Watch" };

	@Bean
	@GlobalServerInterceptor
	@ConditionalOnMissingBean(AuthenticationProcessInterceptor.class)
	@ConditionalOnBean({ GrpcSecurity.class, CallerRule.class })
	AuthenticationProcessInterceptor cloudRunGrpcAuthenticationProcessInterceptor(GrpcSecurity grpc,
			ObjectProvider<JwtDecoder> applicationDecoder, SigningKeyCache keys, IdTokenValidation validation,
			ReceivingSettings settings, CloudRunReceivingProperties properties, PathRules pathRules,
			JwtAuthenticationConverter converter, CallerRule callers, ObjectProvider<VerifiedTokenCache> verifiedTokens,
			ObjectProvider<InvokerIamCheck> invokerIam, ObjectProvider<ObservationRegistry> observations)
			throws Exception {
		GoogleIdTokenDecoders decoders = GoogleIdTokenDecoders.of(keys, settings, properties, invokerIam, observations);
		VerifiedTokenCache cache = verifiedTokens.getIfAvailable();
		// a servlet application's decoder (its own, or the auto-configured one); WebFlux
		// and gRPC-only applications have none that blocks, so one is built here
		JwtDecoder decoder = applicationDecoder.getIfUnique(() -> decoders.create(validation.validator(), cache));
		if (!pathRules.isEmpty()) {
			PathRules.requireOwnDecoder(decoder);
		}
		List<GrpcCallRules.Rule> rules = new ArrayList<>();
		for (PathRules.Rule rule : pathRules.rules()) {
			AllowedCallers ruleCallers = rule.callers(callers.callers());
			rules.add(new GrpcCallRules.Rule(GrpcCallRules.pattern(rule.pattern()),
					provider(decoders.create(rule, validation, ruleCallers, cache), converter),
					new AllowedCallersAuthorizationManager<>(ruleCallers, decoders.observations())));
		}
		GrpcCallRules calls = new GrpcCallRules(rules, provider(decoder, converter),
				new AllowedCallersAuthorizationManager<>(callers.callers(), decoders.observations()));
		grpc.authorizeRequests(
				(requests) -> requests.methods(HEALTH_METHODS).permitAll().allRequests().access(calls.authorization()));
		// not oauth2ResourceServer(): its extractor reads authorization only, never
		// x-serverless-authorization
		CloudRunGrpcAuthenticationExtractor extractor = new CloudRunGrpcAuthenticationExtractor();
		extractor.setPublicMethods(HEALTH_METHODS);
		grpc.authenticationExtractor(extractor).authenticationProvider(calls.authentication());
		return grpc.build();
	}

	private static JwtAuthenticationProvider provider(JwtDecoder decoder, JwtAuthenticationConverter converter) {
		JwtAuthenticationProvider provider = new JwtAuthenticationProvider(decoder);
		provider.setJwtAuthenticationConverter(converter);
		return provider;
	}

	/**
	 * Method security of an application that serves gRPC only: {@code @PreAuthorize} and
	 * {@code @AllowCallers} on service methods, as a servlet application has them.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnNotWebApplication
	@Import(CallerMethodSecurityConfiguration.class)
	static class GrpcOnlyMethodSecurityConfiguration {

	}

}
