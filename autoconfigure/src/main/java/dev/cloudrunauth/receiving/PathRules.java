package dev.cloudrunauth.receiving;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.StringUtils;
import org.springframework.web.util.pattern.PathPatternParser;
import org.springframework.web.util.pattern.PatternParseException;

/**
 * The rules of {@code cloudrun.auth.receiving.paths}, validated, in declaration order,
 * with path audiences resolved against the service's audience URLs and omitted values
 * taken from the service's. Each rule is given its own decoder (its audiences) and its
 * own authorization (its callers), so that a token accepted on one path is never accepted
 * on another for having been verified there.
 *
 * @param rules the rules, first match wins
 */
record PathRules(List<Rule> rules) {

	private static final String PREFIX = "cloudrun.auth.receiving.paths.";

	private static final Log logger = LogFactory.getLog(CloudRunReceivingAutoConfiguration.class);

	static PathRules of(Map<String, CloudRunReceivingProperties.Path> paths, ReceivingSettings settings) {
		List<Rule> rules = new ArrayList<>();
		paths.forEach((name, path) -> rules.add(rule(name, path, settings)));
		return new PathRules(List.copyOf(rules));
	}

	boolean isEmpty() {
		return this.rules.isEmpty();
	}

	/**
	 * Fail unless the application's decoder is one of this library's: the rules' decoders
	 * are built from the same settings, and one of the application's own would check
	 * other audiences and keys than the rules assume.
	 * @param decoder the application's decoder
	 */
	static void requireOwnDecoder(Object decoder) {
		if (!(decoder instanceof GoogleIdTokenDecoder) && !(decoder instanceof ReactiveGoogleIdTokenDecoder)) {
			throw new InvalidConfigurationPropertyValueException("cloudrun.auth.receiving.paths", "(set)",
					"Path rules work with the auto-configured decoder of Google ID tokens, and this application "
							+ "defines its own (" + decoder.getClass().getName() + "): remove it, or remove the rules "
							+ "and check paths in your own security configuration");
		}
	}

	void logSummary() {
		for (Rule rule : this.rules) {
			logger.info("Cloud Run receiving: requests matching " + rule.pattern() + " (" + PREFIX + rule.name()
					+ ") accept audiences " + rule.audiences() + "; callers: "
					+ (rule.callers().isEmpty() ? "as for the service" : rule.callers()));
		}
	}

	private static Rule rule(String name, CloudRunReceivingProperties.Path path, ReceivingSettings settings) {
		String pattern = pattern(name, path.pattern());
		List<String> audiences = entries(name, "audiences", path.audiences());
		List<String> callers = entries(name, "allowed-callers", path.allowedCallers());
		if (path.audiences() == null && path.allowedCallers() == null) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + name, pattern,
					"The rule changes nothing: give it audiences, allowed-callers or both");
		}
		for (String caller : callers) {
			try {
				AllowedCallers.of(List.of(caller));
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidConfigurationPropertyValueException(PREFIX + name + ".allowed-callers", caller,
						ex.getMessage());
			}
		}
		List<String> resolved = audiences.isEmpty() ? settings.audiences()
				: resolve(name, audiences, settings.audiences());
		return new Rule(name, pattern, resolved, callers);
	}

	private static String pattern(String name, @Nullable String pattern) {
		String property = PREFIX + name + ".pattern";
		if (!StringUtils.hasText(pattern) || !pattern.trim().startsWith("/")) {
			throw new InvalidConfigurationPropertyValueException(property, pattern,
					"Each rule needs a path pattern starting with '/', such as /events/pubsub");
		}
		try {
			PathPatternParser.defaultInstance.parse(pattern.trim());
		}
		catch (PatternParseException ex) {
			throw new InvalidConfigurationPropertyValueException(property, pattern,
					"Not a Spring path pattern: " + ex.getMessage());
		}
		return pattern.trim();
	}

	/**
	 * Resolve audiences that are paths, such as the {@code /events/pubsub} of a Pub/Sub
	 * push endpoint whose token is minted for its full URL, against every http(s) URL
	 * among the service's audiences.
	 */
	private static List<String> resolve(String name, List<String> audiences, List<String> serviceAudiences) {
		String property = PREFIX + name + ".audiences";
		Set<String> resolved = new LinkedHashSet<>();
		for (String audience : audiences) {
			if (!audience.startsWith("/")) {
				resolved.add(audience);
				continue;
			}
			if (!audience.matches("/[A-Za-z0-9._~!$&'()+,;=:@%/-]*")) {
				throw new InvalidConfigurationPropertyValueException(property, audience,
						"A path audience is the exact path of the URL a sender mints its token for, such as "
								+ "/events/pubsub: no pattern, query or fragment");
			}
			List<String> bases = serviceAudiences.stream().filter(PathRules::isBaseUrl).toList();
			if (bases.isEmpty()) {
				throw new InvalidConfigurationPropertyValueException(property, audience,
						"A path audience is resolved against the http(s) URLs among cloudrun.auth.receiving.audiences "
								+ "(or the service URL derived on Cloud Run), and there is none among "
								+ serviceAudiences + ": add the service URL, or give the full URL here");
			}
			for (String base : bases) {
				resolved.add(StringUtils.trimTrailingCharacter(base, '/') + audience);
			}
		}
		return List.copyOf(resolved);
	}

	private static boolean isBaseUrl(String audience) {
		try {
			URI uri = new URI(audience);
			return uri.isAbsolute() && uri.getHost() != null && uri.getRawQuery() == null
					&& uri.getRawFragment() == null
					&& ("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()));
		}
		catch (URISyntaxException ex) {
			return false;
		}
	}

	/**
	 * Return the entries of a list a rule may leave out (to take the service's value),
	 * but not leave empty: an empty list that took the service's value would open the
	 * path to the service's callers when a placeholder resolved to nothing.
	 */
	private static List<String> entries(String name, String property, @Nullable List<String> values) {
		List<String> result = new ArrayList<>();
		if (values != null) {
			if (values.isEmpty()) {
				throw new InvalidConfigurationPropertyValueException(PREFIX + name + "." + property, "",
						"Empty: name at least one, or leave the property out to take the service's " + property);
			}
			for (String value : values) {
				if (!StringUtils.hasText(value)) {
					throw new InvalidConfigurationPropertyValueException(PREFIX + name + "." + property, values,
							"Entries cannot be blank");
				}
				result.add(value.trim());
			}
		}
		return List.copyOf(result);
	}

	/**
	 * One rule.
	 *
	 * @param name its name, the key under {@code cloudrun.auth.receiving.paths}
	 * @param pattern the path pattern of the requests it applies to
	 * @param audiences the accepted audiences, resolved
	 * @param callers the allowed callers' entries, or none to take the service's
	 */
	record Rule(String name, String pattern, List<String> audiences, List<String> callers) {

		/**
		 * Return who may call on this rule's paths: its callers, or the service's.
		 * @param service the service's callers
		 * @return the allowed callers
		 */
		AllowedCallers callers(AllowedCallers service) {
			return this.callers.isEmpty() ? service : AllowedCallers.of(this.callers);
		}

	}

}
