package dev.cloudrunauth.receiving;

import java.util.List;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.grpc.server.security.CallContext;
import org.springframework.http.server.PathContainer;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The receiving rules of gRPC calls. A call's path is its HTTP/2 {@code :path}, {@code /}
 * and its full method name ({@code /orders.v1.Orders/Create}), matched against the
 * patterns of {@code cloudrun.auth.receiving.paths} as a request path is: the first rule
 * that matches picks both the decoder (the rule's audiences) and the callers, and a call
 * no rule matches gets the service's. Spring gRPC's {@code methods(...)} matches method
 * names with simple wildcards only, not with the path patterns the rules are written in,
 * so the choice is made here.
 */
final class GrpcCallRules {

	private static final PathPatternParser parser = PathPatternParser.defaultInstance;

	private final List<Rule> rules;

	private final JwtAuthenticationProvider service;

	private final AuthorizationManager<Object> serviceCallers;

	GrpcCallRules(List<Rule> rules, JwtAuthenticationProvider service, AuthorizationManager<Object> serviceCallers) {
		this.rules = List.copyOf(rules);
		this.service = service;
		this.serviceCallers = serviceCallers;
	}

	/**
	 * Return the authentication of calls' tokens, by the decoder of the rule the call's
	 * path matches. It authenticates only the tokens of
	 * {@link CloudRunGrpcAuthenticationExtractor}, which carry that path.
	 * @return the provider
	 */
	AuthenticationProvider authentication() {
		return new AuthenticationProvider() {

			@Override
			public @Nullable Authentication authenticate(Authentication authentication) {
				if (!(authentication instanceof CloudRunGrpcAuthenticationExtractor.CallToken call)) {
					throw new BadCredentialsException("Not a token of a gRPC call");
				}
				Rule rule = rule(call.path());
				return ((rule != null) ? rule.authentication() : GrpcCallRules.this.service)
					.authenticate(authentication);
			}

			@Override
			public boolean supports(Class<?> authentication) {
				return CloudRunGrpcAuthenticationExtractor.CallToken.class.isAssignableFrom(authentication);
			}

		};
	}

	/**
	 * Return the authorization of calls: the callers of the rule the call's path matches,
	 * or the service's. A call whose method is unknown is denied.
	 * @return the authorization manager
	 */
	AuthorizationManager<Object> authorization() {
		return this::authorize;
	}

	private AuthorizationResult authorize(Supplier<? extends @Nullable Authentication> authentication, Object call) {
		if (!(call instanceof CallContext context)) {
			return new AuthorizationDecision(false);
		}
		Rule rule = rule(path(context.method().getFullMethodName()));
		return ((rule != null) ? rule.callers() : this.serviceCallers).authorize(authentication, call);
	}

	private @Nullable Rule rule(String path) {
		PathContainer container = PathContainer.parsePath(path);
		for (Rule rule : this.rules) {
			if (rule.pattern().matches(container)) {
				return rule;
			}
		}
		return null;
	}

	static String path(String fullMethodName) {
		return "/" + fullMethodName;
	}

	static PathPattern pattern(String pattern) {
		return parser.parse(pattern);
	}

	/**
	 * One rule, ready to apply to calls.
	 *
	 * @param pattern the pattern of the calls' paths
	 * @param authentication the authentication with the rule's decoder
	 * @param callers the authorization of the rule's callers
	 */
	record Rule(PathPattern pattern, JwtAuthenticationProvider authentication, AuthorizationManager<Object> callers) {
	}

}
