package dev.cloudrunauth.receiving;

import java.util.ArrayList;
import java.util.List;

import dev.cloudrunauth.receiving.CloudRunReceivingAutoConfiguration.CallerRule;
import dev.cloudrunauth.receiving.CloudRunReceivingAutoConfiguration.IdTokenValidation;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the receiving side of servlet applications: a {@link JwtDecoder}
 * for Google ID tokens, a bearer token resolver that knows
 * {@code X-Serverless-Authorization}, and the allowed-callers rule for security filter
 * chains.
 *
 * @see CloudRunReceivingServletWebSecurityAutoConfiguration
 */
@AutoConfiguration(after = CloudRunReceivingAutoConfiguration.class, beforeName = {
		"org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration",
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
		return GoogleIdTokenDecoders.of(keys, settings, properties, invokerIam, observations)
			.create(validation.validator(), verifiedTokens.getIfAvailable());
	}

	@Bean
	ServletPathRules cloudRunServletPathRules(PathRules rules, SigningKeyCache keys, IdTokenValidation validation,
			ReceivingSettings settings, CloudRunReceivingProperties properties, CallerRule callers,
			ObjectProvider<VerifiedTokenCache> verifiedTokens, ObjectProvider<InvokerIamCheck> invokerIam,
			ObjectProvider<ObservationRegistry> observations, ObjectProvider<PathPatternRequestMatcher.Builder> paths) {
		PathPatternRequestMatcher.Builder matchers = paths.getIfAvailable(PathPatternRequestMatcher::withDefaults);
		GoogleIdTokenDecoders decoders = GoogleIdTokenDecoders.of(keys, settings, properties, invokerIam, observations);
		List<ServletPathRules.Matched> matched = new ArrayList<>();
		for (PathRules.Rule rule : rules.rules()) {
			AllowedCallers ruleCallers = rule.callers(callers.callers());
			matched.add(new ServletPathRules.Matched(rule, matchers.matcher(rule.pattern()),
					decoders.create(rule, validation, ruleCallers, verifiedTokens.getIfAvailable()),
					new AllowedCallersAuthorizationManager<>(ruleCallers, decoders.observations())));
		}
		return new ServletPathRules(matched);
	}

	@Bean
	@ConditionalOnMissingBean(BearerTokenResolver.class)
	CloudRunBearerTokenResolver cloudRunBearerTokenResolver(ReceivingSettings settings,
			ObjectProvider<PathPatternRequestMatcher.Builder> paths, ObjectProvider<IapAssertions> iap) {
		CloudRunBearerTokenResolver resolver = new CloudRunBearerTokenResolver();
		resolver.setPublicRequests(publicRequests(settings.publicPaths(), paths));
		resolver.setIapAssertions(iap.getIfAvailable() != null);
		return resolver;
	}

	@Bean
	@ConditionalOnMissingBean
	AllowedCallersAuthorizationManager<RequestAuthorizationContext> allowedCallersAuthorizationManager(
			CallerRule callers, ObjectProvider<ObservationRegistry> observations) {
		return new AllowedCallersAuthorizationManager<>(callers.callers(),
				observations.getIfAvailable(() -> ObservationRegistry.NOOP));
	}

	/**
	 * Return the matcher of requests to the public paths, which are not authenticated.
	 */
	static RequestMatcher publicRequests(List<String> publicPaths,
			ObjectProvider<PathPatternRequestMatcher.Builder> paths) {
		if (publicPaths.isEmpty()) {
			return (request) -> false;
		}
		PathPatternRequestMatcher.Builder builder = paths.getIfAvailable(PathPatternRequestMatcher::withDefaults);
		return new OrRequestMatcher(
				publicPaths.stream().map((path) -> (RequestMatcher) builder.matcher(path)).toList());
	}

}
