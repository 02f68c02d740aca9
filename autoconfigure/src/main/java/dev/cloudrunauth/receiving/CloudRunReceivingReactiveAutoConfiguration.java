package dev.cloudrunauth.receiving;

import java.util.List;

       import dev.cloudrunauth.receiving.CloudRunReceivingAutoConfiguration.CallerRule;
import dev.cloudrunauth.receiving.CloudRunReceivingAutoConfiguration.IdTokenValidation;
import reactor.core.publisher.Mono;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.aop.Advisor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.security.autoconfigure.web.reactive.ConditionalOnDefaultReactiveWebSecurity;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.config.annotation.method.configuration.EnableReactiveMethodSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverterAdapter;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.OrServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.PathPatternParserServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of the receiving side of
 * reactive (WebFlux) applications: a {@link ReactiveJwtDecoder} for Google ID tokens, a bearer token converter that
 * knows {@code X-Serverless-Authorization}, a default security filter chain and reactive method security.
 */
@AutoConfiguration(after = CloudRunReceivingAutoConfiguration.class, beforeName = {
		"org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration",
		"org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.reactive.ReactiveOAuth2ResourceServerWebSecurityAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration" })
@ConditionalOnClass({ ReactiveJwtDecoder.class, ServerHttpSecurity.class, Mono.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnCloudRunReceivingEnabled
public final class CloudRunReceivingReactiveAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(ReactiveJwtDecoder.class)
	ReactiveGoogleIdTokenDecoder reactiveGoogleIdTokenDecoder(SigningKeyCache keys, IdTokenValidation validation,
			ReceivingSettings settings, CloudRunReceivingProperties properties,
			ObjectProvider<VerifiedTokenCache> verifiedTokens, ObjectProvider<InvokerIamCheck> invokerIam,
			ObjectProvider<ObservationRegistry> observations) {
		return ReactiveGoogleIdTokenDecoder.withSigningKeys(keys)
			.claimValidation(validation.validator())
			.trustCloudRunIam(settings.trustCloudRunIam())
			.invokerIamCheck(invokerIam.getIfAvailable())
			.jwkSetTimeout(properties.getJwkSetTimeout())
			.verifiedTokenCache(verifiedTokens.getIfAvailable())
			.observationRegistry(observations.getIfAvailable(() -> ObservationRegistry.NOOP))
			.build();
	}

	@Bean
	@ConditionalOnMissingBean
	CloudRunServerBearerTokenAuthenticationConverter cloudRunServerBearerTokenAuthenticationConverter(
			ReceivingSettings settings) {
		CloudRunServerBearerTokenAuthenticationConverter converter = new CloudRunServerBearerTokenAuthenticationConverter();
		converter.setPublicExchanges(publicExchanges(settings.publicPaths()));
		return converter;
	}

	@Bean
	@ConditionalOnMissingBean
	ReactiveAllowedCallersAuthorizationManager<AuthorizationContext> reactiveAllowedCallersAuthorizationManager(
			CallerRule callers, ObjectProvider<ObservationRegistry> observations) {
		return new ReactiveAllowedCallersAuthorizationManager<>(callers.callers(),
				observations.getIfAvailable(() -> ObservationRegistry.NOOP));
	}

	@Bean
	@ConditionalOnDefaultReactiveWebSecurity
	SecurityWebFilterChain cloudRunReceivingSecurityWebFilterChain(ServerHttpSecurity http, ReceivingSettings settings,
			ReactiveJwtDecoder decoder, JwtAuthenticationConverter converter,
			CloudRunServerBearerTokenAuthenticationConverter bearerTokens,
			ReactiveAllowedCallersAuthorizationManager<AuthorizationContext> callers) {
		ServerWebExchangeMatcher publicExchanges = publicExchanges(settings.publicPaths());
		http.authorizeExchange((exchanges) -> {
			exchanges.matchers(publicExchanges).permitAll();
			exchanges.anyExchange().access(callers);
		});
		http.oauth2ResourceServer((resourceServer) -> resourceServer.bearerTokenConverter(bearerTokens)
			.accessDeniedHandler(CloudRunReceivingReactiveAutoConfiguration::callerNotAllowed)
			.jwt((jwt) -> jwt.jwtDecoder(decoder)
				.jwtAuthenticationConverter(new ReactiveJwtAuthenticationConverterAdapter(converter))));
		http.securityContextRepository(NoOpServerSecurityContextRepository.getInstance());
		http.requestCache((cache) -> cache.requestCache(NoOpServerRequestCache.getInstance()));
		http.csrf(ServerHttpSecurity.CsrfSpec::disable);
		http.formLogin(ServerHttpSecurity.FormLoginSpec::disable);
		http.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable);
		http.logout(ServerHttpSecurity.LogoutSpec::disable);
		return http.build();
	}

	/**
	 * Refuse a caller with 403 and a fixed RFC 6750 challenge, rather than Spring's description, which speaks of an
	 * access token's privileges.
	 */
	private static Mono<Void> callerNotAllowed(ServerWebExchange exchange, AccessDeniedException denied) {
		return Mono.fromRunnable(() -> {
			exchange.getResponse().setStatusCode(HttpStatus.FORBIDDEN);
			exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, CallerNotAllowed.CHALLENGE);
		}).then(exchange.getResponse().setComplete());
	}

	private static ServerWebExchangeMatcher publicExchanges(List<String> publicPaths) {
		if (publicPaths.isEmpty()) {
			return (exchange) -> ServerWebExchangeMatcher.MatchResult.notMatch();
		}
		return new OrServerWebExchangeMatcher(publicPaths.stream()
			.map((path) -> (ServerWebExchangeMatcher) new PathPatternParserServerWebExchangeMatcher(path))
			.toList());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "cloudrun.auth.receiving.method-security", matchIfMissing = true)
	static class CallerMethodSecurityConfiguration {

		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		static Advisor reactiveAllowCallersAuthorizationAdvisor(Environment environment) {
			return AllowCallersMethodAuthorization.reactiveAdvisor(environment);
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnMissingBean(name = "preAuthorizeAuthorizationMethodInterceptor")
		@EnableReactiveMethodSecurity
		static class EnableReactiveMethodSecurityConfiguration {

		}

	}

}
