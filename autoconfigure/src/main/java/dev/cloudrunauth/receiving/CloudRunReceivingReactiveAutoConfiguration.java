package dev.cloudrunauth.receiving;

import java.util.ArrayList;
import java.util.List;

import dev.cloudrunauth.receiving.CloudRunReceivingAutoConfiguration.CallerRule;
import dev.cloudrunauth.receiving.CloudRunReceivingAutoConfiguration.IdTokenValidation;
import reactor.core.publisher.Mono;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import org.springframework.security.web.server.util.matcher.OrServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.PathPatternParserServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the receiving side of reactive (WebFlux) applications: a
 * {@link ReactiveJwtDecoder} for Google ID tokens, a bearer token converter that knows
 * {@code X-Serverless-Authorization}, and the allowed-callers rule for security filter
 * chains.
 *
 * @see CloudRunReceivingReactiveWebSecurityAutoConfiguration
 */
@AutoConfiguration(after = CloudRunReceivingAutoConfiguration.class, beforeName = {
		"org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration",
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
			.jwkSetTimeout(properties.jwkSetTimeout())
			.verifiedTokenCache(verifiedTokens.getIfAvailable())
			.observationRegistry(observations.getIfAvailable(() -> ObservationRegistry.NOOP))
			.build();
	}

	@Bean
	ReactivePathRules cloudRunReactivePathRules(PathRules rules, SigningKeyCache keys, IdTokenValidation validation,
			ReceivingSettings settings, CloudRunReceivingProperties properties, CallerRule callers,
			ObjectProvider<VerifiedTokenCache> verifiedTokens, ObjectProvider<InvokerIamCheck> invokerIam,
			ObjectProvider<ObservationRegistry> observations) {
		ObservationRegistry registry = observations.getIfAvailable(() -> ObservationRegistry.NOOP);
		VerifiedTokenCache cache = verifiedTokens.getIfAvailable();
		List<ReactivePathRules.Matched> matched = new ArrayList<>();
		for (PathRules.Rule rule : rules.rules()) {
			AllowedCallers ruleCallers = rule.callers(callers.callers());
			ReactiveGoogleIdTokenDecoder decoder = ReactiveGoogleIdTokenDecoder.withSigningKeys(keys)
				.claimValidation(validation.forAudiences().apply(rule.audiences()))
				.trustCloudRunIam(settings.trustCloudRunIam())
				.invokerIamCheck(invokerIam.getIfAvailable())
				.jwkSetTimeout(properties.jwkSetTimeout())
				.verifiedTokenCache((cache != null) ? cache.scope(rule.name(), ruleCallers) : null)
				.observationRegistry(registry)
				.build();
			matched
				.add(new ReactivePathRules.Matched(rule, new PathPatternParserServerWebExchangeMatcher(rule.pattern()),
						decoder, new ReactiveAllowedCallersAuthorizationManager<>(ruleCallers, registry)));
		}
		return new ReactivePathRules(matched);
	}

	@Bean
	@ConditionalOnMissingBean(ServerAuthenticationConverter.class)
	CloudRunServerBearerTokenAuthenticationConverter cloudRunServerBearerTokenAuthenticationConverter(
			ReceivingSettings settings, ObjectProvider<IapAssertions> iap) {
		CloudRunServerBearerTokenAuthenticationConverter converter = new CloudRunServerBearerTokenAuthenticationConverter();
		converter.setPublicExchanges(publicExchanges(settings.publicPaths()));
		converter.setIapAssertions(iap.getIfAvailable() != null);
		return converter;
	}

	@Bean
	@ConditionalOnMissingBean
	ReactiveAllowedCallersAuthorizationManager<AuthorizationContext> reactiveAllowedCallersAuthorizationManager(
			CallerRule callers, ObjectProvider<ObservationRegistry> observations) {
		return new ReactiveAllowedCallersAuthorizationManager<>(callers.callers(),
				observations.getIfAvailable(() -> ObservationRegistry.NOOP));
	}

	/**
	 * Return the matcher of exchanges with the public paths, which are not authenticated.
	 */
	static ServerWebExchangeMatcher publicExchanges(List<String> publicPaths) {
		if (publicPaths.isEmpty()) {
			return (exchange) -> ServerWebExchangeMatcher.MatchResult.notMatch();
		}
		return new OrServerWebExchangeMatcher(publicPaths.stream()
			.map((path) -> (ServerWebExchangeMatcher) new PathPatternParserServerWebExchangeMatcher(path))
			.toList());
	}

}
