package dev.cloudrunauth.receiving;

import dev.cloudrunauth.receiving.CloudRunReceivingAutoConfiguration.CallerRule;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
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
	@ConditionalOnBean({ GrpcSecurity.class, JwtDecoder.class, CallerRule.class })
	AuthenticationProcessInterceptor cloudRunGrpcAuthenticationProcessInterceptor(GrpcSecurity grpc, JwtDecoder decoder,
			JwtAuthenticationConverter converter, CallerRule callers, ObjectProvider<ObservationRegistry> observations)
			throws Exception {
		AllowedCallersAuthorizationManager<Object> allowedCallers = new AllowedCallersAuthorizationManager<>(
				callers.callers(), observations.getIfAvailable(() -> ObservationRegistry.NOOP));
		grpc.authorizeRequests(
				(requests) -> requests.methods(HEALTH_METHODS).permitAll().allRequests().access(allowedCallers));
		// not oauth2ResourceServer(): its extractor reads authorization only, never
		// x-serverless-authorization
		CloudRunGrpcAuthenticationExtractor extractor = new CloudRunGrpcAuthenticationExtractor();
		extractor.setPublicMethods(HEALTH_METHODS);
		JwtAuthenticationProvider provider = new JwtAuthenticationProvider(decoder);
		provider.setJwtAuthenticationConverter(converter);
		grpc.authenticationExtractor(extractor).authenticationProvider(provider);
		return grpc.build();
	}

}
