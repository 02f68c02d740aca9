package dev.cloudrunauth.receiving;

import java.util.List;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

        import dev.cloudrunauth.receiving.CloudRunReceivingAutoConfiguration.CallerRule;
import dev.cloudrunauth.receiving.CloudRunReceivingAutoConfiguration.IdTokenValidation;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.aop.Advisor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.security.autoconfigure.web.servlet.ConditionalOnDefaultServletWebSecurity;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.OAuth2ProtectedResourceMetadata;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.savedrequest.NullRequestCache;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of the receiving side of
 * servlet applications: a {@link JwtDecoder} for Google ID tokens, a bearer token resolver that knows
 * {@code X-Serverless-Authorization}, a default security filter chain, and method security for
 * {@code @PreAuthorize} and {@code @AllowCallers}.
 */
@AutoConfiguration(after = CloudRunReceivingAutoConfiguration.class, beforeName = {
		"org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration",
		"org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.OAuth2ResourceServerWebSecurityAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration" })
@ConditionalOnClass({ JwtDecoder.class, HttpSecurity.class, BearerTokenResolver.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnCloudRunReceivingEnabled
public final class CloudRunReceivingServletAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(JwtDecoder.class)
	GoogleIdTokenDecoder googleIdTokenDecoder(SigningKeyCache keys, IdTokenValidation validation,
			ReceivingSettings settings, CloudRunReceivingProperties properties,
			ObjectProvider<VerifiedTokenCache> verifiedTokens, ObjectProvider<InvokerIamCheck> invokerIam,
			ObjectProvider<ObservationRegistry> observations) {
		return GoogleIdTokenDecoder.withSigningKeys(keys)
			.claimValidation(validation.validator())
			.trustCloudRunIam(settings.trustCloudRunIam())
			.invokerIamCheck(invokerIam.getIfAvailable())
			.jwkSetTimeout(properties.getJwkSetTimeout())
			.verifiedTokenCache(verifiedTokens.getIfAvailable())
			.observationRegistry(observations.getIfAvailable(() -> ObservationRegistry.NOOP))
			.build();
	}

	@Bean
	@ConditionalOnMissingBean(BearerTokenResolver.class)
	CloudRunBearerTokenResolver cloudRunBearerTokenResolver(ReceivingSettings settings,
			ObjectProvider<PathPatternRequestMatcher.Builder> paths) {
		CloudRunBearerTokenResolver resolver = new CloudRunBearerTokenResolver();
		resolver.setPublicRequests(publicRequests(settings.publicPaths(), paths));
		return resolver;
	}

	@Bean
	@ConditionalOnMissingBean
	AllowedCallersAuthorizationManager<RequestAuthorizationContext> allowedCallersAuthorizationManager(
			CallerRule callers, ObjectProvider<ObservationRegistry> observations) {
		return new AllowedCallersAuthorizationManager<>(callers.callers(),
				observations.getIfAvailable(() -> ObservationRegistry.NOOP));
	}

	@Bean
	@ConditionalOnMissingBean(name = "caller")
	CallerExpressions caller() {
		return new CallerExpressions();
	}

	@Bean
	@ConditionalOnDefaultServletWebSecurity
	SecurityFilterChain cloudRunReceivingSecurityFilterChain(HttpSecurity http, ReceivingSettings settings,
			JwtDecoder decoder, JwtAuthenticationConverter converter, BearerTokenResolver resolver,
			AllowedCallersAuthorizationManager<RequestAuthorizationContext> callers,
			ObjectProvider<PathPatternRequestMatcher.Builder> paths) {
		RequestMatcher publicRequests = publicRequests(settings.publicPaths(), paths);
		http.authorizeHttpRequests((requests) -> {
			// the error page of a request refused before authentication (bad path, method) shows its real status
			requests.dispatcherTypeMatchers(DispatcherType.ERROR).permitAll();
			requests.requestMatchers(publicRequests).permitAll();
			requests.anyRequest().access(callers);
		});
		http.oauth2ResourceServer((resourceServer) -> resourceServer.bearerTokenResolver(resolver)
			.accessDeniedHandler(CloudRunReceivingServletAutoConfiguration::callerNotAllowed)
			.jwt((jwt) -> jwt.decoder(decoder).jwtAuthenticationConverter(converter))
			.protectedResourceMetadata((metadata) -> metadata
				.protectedResourceMetadataCustomizer((builder) -> describe(builder, settings))));
		http.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
		http.requestCache((cache) -> cache.requestCache(new NullRequestCache()));
		http.csrf(AbstractHttpConfigurer::disable);
		http.formLogin(AbstractHttpConfigurer::disable);
		http.httpBasic(AbstractHttpConfigurer::disable);
		http.logout(AbstractHttpConfigurer::disable);
		return http.build();
	}

	/**
	 * Correct the public OAuth 2.0 protected resource metadata (RFC 9728) that Spring Security serves at
	 * {@code /.well-known/oauth-protected-resource}: the resource is this service's audience, tokens come from Google
	 * and are not bound to client certificates.
	 */
	private static void describe(OAuth2ProtectedResourceMetadata.Builder metadata, ReceivingSettings settings) {
		metadata.resource(settings.audiences().get(0))
			.authorizationServers((servers) -> {
				servers.clear();
				servers.add("https://accounts.google.com");
			})
			.tlsClientCertificateBoundAccessTokens(false);
	}

	/**
	 * Refuse a caller with 403 and a fixed RFC 6750 challenge, rather than Spring's description, which speaks of an
	 * access token's privileges.
	 */
	private static void callerNotAllowed(HttpServletRequest request, HttpServletResponse response,
			AccessDeniedException denied) {
		response.setStatus(HttpServletResponse.SC_FORBIDDEN);
		response.setHeader(HttpHeaders.WWW_AUTHENTICATE, CallerNotAllowed.CHALLENGE);
	}

	private static RequestMatcher publicRequests(List<String> publicPaths,
			ObjectProvider<PathPatternRequestMatcher.Builder> paths) {
		if (publicPaths.isEmpty()) {
			return (request) -> false;
		}
		PathPatternRequestMatcher.Builder builder = paths.getIfAvailable(PathPatternRequestMatcher::withDefaults);
		return new OrRequestMatcher(publicPaths.stream().map((path) -> (RequestMatcher) builder.matcher(path)).toList());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "cloudrun.auth.receiving.method-security", matchIfMissing = true)
	static class CallerMethodSecurityConfiguration {

		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		static Advisor allowCallersAuthorizationAdvisor(Environment environment) {
			return AllowCallersMethodAuthorization.advisor(environment);
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnMissingBean(name = "preAuthorizeAuthorizationMethodInterceptor")
		@EnableMethodSecurity
		static class EnableMethodSecurityConfiguration {

		}

	}

}
