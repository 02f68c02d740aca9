package dev.cloudrunauth.receiving;

import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.security.autoconfigure.web.reactive.ConditionalOnDefaultReactiveWebSecurity;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverterAdapter;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.web.server.ServerWebExchange;

/**
 * The default {@link SecurityWebFilterChain} of a reactive application that receives
 * calls.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnDefaultReactiveWebSecurity
@ConditionalOnBean({ ReactiveJwtDecoder.class, ServerAuthenticationConverter.class,
		ReactiveAllowedCallersAuthorizationManager.class })
class ReceivingSecurityWebFilterChainConfiguration {

	@Bean
	SecurityWebFilterChain cloudRunReceivingSecurityWebFilterChain(ServerHttpSecurity http, ReceivingSettings settings,
			ReactiveJwtDecoder decoder, JwtAuthenticationConverter converter,
			ServerAuthenticationConverter bearerTokens,
			ReactiveAllowedCallersAuthorizationManager<AuthorizationContext> callers, ReactivePathRules rules,
			ObjectProvider<IapAssertions> iapProvider) {
		ServerWebExchangeMatcher publicExchanges = CloudRunReceivingReactiveAutoConfiguration
			.publicExchanges(settings.publicPaths());
		if (!rules.isEmpty()) {
			PathRules.requireOwnDecoder(decoder);
		}
		IapAssertions iap = iapProvider.getIfAvailable();
		if (iap != null) {
			IapReactiveSecurity.apply(http, iap, converter, publicExchanges);
		}
		http.authorizeExchange((exchanges) -> {
			exchanges.matchers(publicExchanges).permitAll();
			// a path rule admits its own callers only, never IAP's end users
			rules.authorize(exchanges);
			exchanges.anyExchange().access((iap != null) ? IapReactiveSecurity.access(iap, callers) : callers);
		});
		http.oauth2ResourceServer((resourceServer) -> {
			resourceServer.bearerTokenConverter(bearerTokens)
				.accessDeniedHandler(ReceivingSecurityWebFilterChainConfiguration::callerNotAllowed);
			if (rules.isEmpty()) {
				resourceServer.jwt((jwt) -> jwt.jwtDecoder(decoder)
					.jwtAuthenticationConverter(new ReactiveJwtAuthenticationConverterAdapter(converter)));
			}
			else {
				resourceServer.authenticationManagerResolver(rules.authenticationManagers(decoder, converter));
			}
		});
		http.securityContextRepository(NoOpServerSecurityContextRepository.getInstance());
		http.requestCache((cache) -> cache.requestCache(NoOpServerRequestCache.getInstance()));
		http.csrf(ServerHttpSecurity.CsrfSpec::disable);
		http.formLogin(ServerHttpSecurity.FormLoginSpec::disable);
		http.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable);
		http.logout(ServerHttpSecurity.LogoutSpec::disable);
		return http.build();
	}

	/**
	 * Refuse a caller with 403 and a fixed RFC 6750 challenge, rather than Spring's
	 * description, which speaks of an access token's privileges.
	 */
	private static Mono<Void> callerNotAllowed(ServerWebExchange exchange, AccessDeniedException denied) {
		return Mono.fromRunnable(() -> {
			exchange.getResponse().setStatusCode(HttpStatus.FORBIDDEN);
			exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, CallerNotAllowed.CHALLENGE);
		}).then(exchange.getResponse().setComplete());
	}

}
