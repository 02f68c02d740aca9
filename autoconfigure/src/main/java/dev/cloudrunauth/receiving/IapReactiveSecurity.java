package dev.cloudrunauth.receiving;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverterAdapter;
import org.springframework.security.oauth2.server.resource.web.server.BearerTokenServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.authentication.ServerAuthenticationEntryPointFailureHandler;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;

/**
 * Reactive counterpart of {@link IapServletSecurity}: an {@link AuthenticationWebFilter}
 * before the resource server's.
 */
final class IapReactiveSecurity {

	private IapReactiveSecurity() {
	}

	/**
	 * Authenticate exchanges with IAP's assertions.
	 * @param http the security being built
	 * @param iap IAP mode
	 * @param converter the converter of verified assertions, with the email as principal
	 * @param publicExchanges the exchanges that are not authenticated
	 */
	static void apply(ServerHttpSecurity http, IapAssertions iap, JwtAuthenticationConverter converter,
			ServerWebExchangeMatcher publicExchanges) {
		JwtReactiveAuthenticationManager manager = new JwtReactiveAuthenticationManager(iap.reactiveDecoder());
		manager.setJwtAuthenticationConverter(new ReactiveJwtAuthenticationConverterAdapter(converter));
		AuthenticationWebFilter filter = new AuthenticationWebFilter(manager);
		filter.setServerAuthenticationConverter((exchange) -> publicExchanges.matches(exchange).flatMap((match) -> {
			if (match.isMatch()) {
				return Mono.empty();
			}
			List<String> values = exchange.getRequest().getHeaders().get(IapAssertions.HEADER);
			String assertion = IapAssertions.resolve((values != null) ? values : List.of());
			return (assertion != null) ? Mono.just(new BearerTokenAuthenticationToken(assertion)) : Mono.empty();
		}));
		filter.setAuthenticationFailureHandler(
				new ServerAuthenticationEntryPointFailureHandler(new BearerTokenServerAuthenticationEntryPoint()));
		http.addFilterBefore(filter, SecurityWebFiltersOrder.AUTHENTICATION);
	}

	/**
	 * Return the access rule: allowed IAP users, or allowed callers.
	 * @param iap IAP mode
	 * @param callers the rule of service account callers
	 * @return the rule
	 */
	static ReactiveAuthorizationManager<AuthorizationContext> access(IapAssertions iap,
			ReactiveAuthorizationManager<AuthorizationContext> callers) {
		return (authentication, context) -> authentication.map(iap.users()::allows)
			.defaultIfEmpty(false)
			.flatMap((allowed) -> allowed ? Mono.just((AuthorizationResult) new AuthorizationDecision(true))
					: callers.authorize(authentication, context));
	}

}
