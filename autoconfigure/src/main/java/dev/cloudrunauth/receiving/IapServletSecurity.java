package dev.cloudrunauth.receiving;

import java.util.Collections;

import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationManagers;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * IAP mode in a servlet {@link HttpSecurity}: a second
 * {@link BearerTokenAuthenticationFilter}, before the one of service tokens, that
 * authenticates requests carrying {@code x-goog-iap-jwt-assertion} as the end user (or
 * refuses them with 401), and access for allowed IAP users beside allowed callers. The
 * bearer token resolver ignores the service tokens of such requests, so the token of
 * IAP's service agent, whose signature Cloud Run removed, does not matter.
 */
final class IapServletSecurity {

	private IapServletSecurity() {
	}

	/**
	 * Authenticate requests with IAP's assertions.
	 * @param http the security being built
	 * @param iap IAP mode
	 * @param converter the converter of verified assertions, with the email as principal
	 * @param publicRequests the requests that are not authenticated
	 */
	static void apply(HttpSecurity http, IapAssertions iap, JwtAuthenticationConverter converter,
			RequestMatcher publicRequests) {
		JwtAuthenticationProvider provider = new JwtAuthenticationProvider(iap.decoder());
		provider.setJwtAuthenticationConverter(converter);
		http.addFilterBefore(new BearerTokenAuthenticationFilter(new ProviderManager(provider), (request) -> {
			if (publicRequests.matches(request)) {
				return null;
			}
			String assertion = IapAssertions.resolve(Collections.list(request.getHeaders(IapAssertions.HEADER)));
			return (assertion != null) ? new BearerTokenAuthenticationToken(assertion) : null;
		}), BearerTokenAuthenticationFilter.class);
	}

	/**
	 * Return the access rule: allowed IAP users, or allowed callers.
	 * @param iap IAP mode
	 * @param callers the rule of service account callers
	 * @return the rule
	 */
	static AuthorizationManager<RequestAuthorizationContext> access(IapAssertions iap,
			AuthorizationManager<RequestAuthorizationContext> callers) {
		return AuthorizationManagers.anyOf(iap.authorizationManager(), callers);
	}

}
