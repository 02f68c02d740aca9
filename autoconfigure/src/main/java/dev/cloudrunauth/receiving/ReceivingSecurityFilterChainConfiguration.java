package dev.cloudrunauth.receiving;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.security.autoconfigure.web.servlet.ConditionalOnDefaultServletWebSecurity;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationEventPublisher;
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
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The default {@link SecurityFilterChain} of a servlet application that receives calls.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnDefaultServletWebSecurity
@ConditionalOnBean({ JwtDecoder.class, BearerTokenResolver.class, AllowedCallersAuthorizationManager.class })
class ReceivingSecurityFilterChainConfiguration {

	@Bean
	SecurityFilterChain cloudRunReceivingSecurityFilterChain(HttpSecurity http, ReceivingSettings settings,
			JwtDecoder decoder, JwtAuthenticationConverter converter, BearerTokenResolver resolver,
			AllowedCallersAuthorizationManager<RequestAuthorizationContext> callers, ServletPathRules rules,
			ObjectProvider<PathPatternRequestMatcher.Builder> paths,
			ObjectProvider<AuthenticationEventPublisher> events, ObjectProvider<IapAssertions> iapProvider) {
		RequestMatcher publicRequests = CloudRunReceivingServletAutoConfiguration.publicRequests(settings.publicPaths(),
				paths);
		if (!rules.isEmpty()) {
			PathRules.requireOwnDecoder(decoder);
		}
		IapAssertions iap = iapProvider.getIfAvailable();
		if (iap != null) {
			IapServletSecurity.apply(http, iap, converter, publicRequests);
		}
		http.authorizeHttpRequests((requests) -> {
			// the error page of a request refused before authentication (bad path,
			// method) shows its real status
			requests.dispatcherTypeMatchers(DispatcherType.ERROR).permitAll();
			requests.requestMatchers(publicRequests).permitAll();
			// a path rule admits its own callers only, never IAP's end users
			rules.authorize(requests);
			requests.anyRequest().access((iap != null) ? IapServletSecurity.access(iap, callers) : callers);
		});
		http.oauth2ResourceServer((resourceServer) -> {
			resourceServer.bearerTokenResolver(resolver)
				.accessDeniedHandler(ReceivingSecurityFilterChainConfiguration::callerNotAllowed)
				.protectedResourceMetadata((metadata) -> metadata
					.protectedResourceMetadataCustomizer((builder) -> describe(builder, settings)));
			if (rules.isEmpty()) {
				resourceServer.jwt((jwt) -> jwt.decoder(decoder).jwtAuthenticationConverter(converter));
			}
			else {
				resourceServer.authenticationManagerResolver(
						rules.authenticationManagers(decoder, converter, events.getIfAvailable()));
			}
		});
		http.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
		http.requestCache((cache) -> cache.requestCache(new NullRequestCache()));
		http.csrf(AbstractHttpConfigurer::disable);
		http.formLogin(AbstractHttpConfigurer::disable);
		http.httpBasic(AbstractHttpConfigurer::disable);
		http.logout(AbstractHttpConfigurer::disable);
		return http.build();
	}

	/**
	 * Correct the public OAuth 2.0 protected resource metadata (RFC 9728) that Spring
	 * Security serves at {@code /.well-known/oauth-protected-resource}: the resource is
	 * this service's audience, tokens come from Google and are not bound to client
	 * certificates.
	 */
	private static void describe(OAuth2ProtectedResourceMetadata.Builder metadata, ReceivingSettings settings) {
		metadata.resource(settings.audiences().get(0)).authorizationServers((servers) -> {
			servers.clear();
			servers.add("https://accounts.google.com");
		}).tlsClientCertificateBoundAccessTokens(false);
	}

	/**
	 * Refuse a caller with 403 and a fixed RFC 6750 challenge, rather than Spring's
	 * description, which speaks of an access token's privileges.
	 */
	private static void callerNotAllowed(HttpServletRequest request, HttpServletResponse response,
			AccessDeniedException denied) {
		response.setStatus(HttpServletResponse.SC_FORBIDDEN);
		response.setHeader(HttpHeaders.WWW_AUTHENTICATE, CallerNotAllowed.CHALLENGE);
	}

}
