package dev.cloudrunauth.receiving;

import java.util.List;
import java.util.function.Function;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.security.authentication.AuthenticationEventPublisher;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.authentication.RequestMatcherDelegatingAuthenticationManagerResolver;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The path rules of a servlet application: for each, the matcher of its requests (Spring
 * Security's {@code PathPatternRequestMatcher}, which sees the path as Spring MVC maps
 * it), a decoder of tokens for its audiences, and the authorization of its callers. The
 * same matcher picks the decoder and the authorization, first match wins.
 */
final class ServletPathRules {

	private final List<Matched> rules;

	ServletPathRules(List<Matched> rules) {
		this.rules = List.copyOf(rules);
	}

	boolean isEmpty() {
		return this.rules.isEmpty();
	}

	/**
	 * Authorize the requests of each rule with the rule's callers.
	 * @param requests the registry, after the public paths and before any request
	 */
	void authorize(AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry requests) {
		for (Matched rule : this.rules) {
			requests.requestMatchers(rule.matcher()).access(rule.callers());
		}
	}

	/**
	 * Return what authenticates each request: the decoder of the first rule that matches
	 * it, or the service's.
	 * @param service the service's decoder
	 * @param converter the conversion of verified tokens to authentications
	 * @param events the publisher of authentication events, if any
	 * @return the resolver
	 */
	AuthenticationManagerResolver<HttpServletRequest> authenticationManagers(JwtDecoder service,
			JwtAuthenticationConverter converter, @Nullable AuthenticationEventPublisher events) {
		Function<JwtDecoder, AuthenticationManager> manager = (decoder) -> {
			JwtAuthenticationProvider provider = new JwtAuthenticationProvider(decoder);
			provider.setJwtAuthenticationConverter(converter);
			ProviderManager providers = new ProviderManager(provider);
			if (events != null) {
				providers.setAuthenticationEventPublisher(events);
			}
			return providers;
		};
		RequestMatcherDelegatingAuthenticationManagerResolver.Builder builder = RequestMatcherDelegatingAuthenticationManagerResolver
			.builder();
		for (Matched rule : this.rules) {
			builder.add(rule.matcher(), manager.apply(rule.decoder()));
		}
		RequestMatcherDelegatingAuthenticationManagerResolver resolver = builder.build();
		resolver.setDefaultAuthenticationManager(manager.apply(service));
		return resolver;
	}

	/**
	 * One rule, ready to apply.
	 *
	 * @param rule the rule
	 * @param matcher the matcher of its requests
	 * @param decoder the decoder of tokens for its audiences
	 * @param callers the authorization of its callers
	 */
	record Matched(PathRules.Rule rule, RequestMatcher matcher, GoogleIdTokenDecoder decoder,
			AllowedCallersAuthorizationManager<RequestAuthorizationContext> callers) {
	}

}
