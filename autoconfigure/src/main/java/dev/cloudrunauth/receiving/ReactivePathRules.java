package dev.cloudrunauth.receiving;

import java.util.List;
import java.util.function.Function;

import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.ReactiveAuthenticationManagerResolver;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverterAdapter;
import org.springframework.security.web.server.authentication.ServerWebExchangeDelegatingReactiveAuthenticationManagerResolver;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.web.server.ServerWebExchange;

/**
 * The path rules of a reactive application, the counterpart of {@link ServletPathRules}:
 * Spring Security's {@code PathPatternParserServerWebExchangeMatcher} matches the path
 * within the application, as WebFlux maps it.
 */
final class ReactivePathRules {

	private final List<Matched> rules;

	ReactivePathRules(List<Matched> rules) {
		this.rules = List.copyOf(rules);
	}

	boolean isEmpty() {
		return this.rules.isEmpty();
	}

	/**
	 * Authorize the exchanges of each rule with the rule's callers.
	 * @param exchanges the registry, after the public paths and before any exchange
	 */
	void authorize(ServerHttpSecurity.AuthorizeExchangeSpec exchanges) {
		for (Matched rule : this.rules) {
			exchanges.matchers(rule.matcher()).access(rule.callers());
		}
	}

	/**
	 * Return what authenticates each exchange: the decoder of the first rule that matches
	 * it, or the service's.
	 * @param service the service's decoder
	 * @param converter the conversion of verified tokens to authentications
	 * @return the resolver
	 */
	ReactiveAuthenticationManagerResolver<ServerWebExchange> authenticationManagers(ReactiveJwtDecoder service,
			JwtAuthenticationConverter converter) {
		Function<ReactiveJwtDecoder, ReactiveAuthenticationManager> manager = (decoder) -> {
			JwtReactiveAuthenticationManager authentication = new JwtReactiveAuthenticationManager(decoder);
			authentication.setJwtAuthenticationConverter(new ReactiveJwtAuthenticationConverterAdapter(converter));
			return authentication;
		};
		ServerWebExchangeDelegatingReactiveAuthenticationManagerResolver.Builder builder = ServerWebExchangeDelegatingReactiveAuthenticationManagerResolver
			.builder();
		for (Matched rule : this.rules) {
			builder.add(rule.matcher(), manager.apply(rule.decoder()));
		}
		ServerWebExchangeDelegatingReactiveAuthenticationManagerResolver resolver = builder.build();
		resolver.setDefaultAuthenticationManager(manager.apply(service));
		return resolver;
	}

	/**
	 * One rule, ready to apply.
	 *
	 * @param rule the rule
	 * @param matcher the matcher of its exchanges
	 * @param decoder the decoder of tokens for its audiences
	 * @param callers the authorization of its callers
	 */
	record Matched(PathRules.Rule rule, ServerWebExchangeMatcher matcher, ReactiveGoogleIdTokenDecoder decoder,
			ReactiveAllowedCallersAuthorizationManager<AuthorizationContext> callers) {
	}

}
