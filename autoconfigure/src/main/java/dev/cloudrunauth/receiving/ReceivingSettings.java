package dev.cloudrunauth.receiving;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.cloudrunauth.GoogleIdentityConnectionDetails;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * The receiving side's settings, validated, with the audience derived on Cloud Run when
 * none is configured. Values that cannot work, and a verifier that would admit every
 * Google identity without being told to, fail startup with a message naming the property.
 * {@link GoogleIdentityConnectionDetails}, when there are some, name the key set and the
 * metadata server instead of the properties and the process environment.
 *
 * @param audiences the accepted audiences
 * @param issuers the accepted issuers
 * @param allowedCallers the allowed callers' entries, each valid
 * @param allowAnyCaller whether any Google identity may call
 * @param jwkSetUri the JWK Set URI
 * @param clockSkew the clock skew
 * @param maxTokenLifetime the longest accepted lifetime
 * @param publicPaths the path patterns that need no token
 * @param trustCloudRunIam whether to accept tokens whose signature Cloud Run removed
 * @param service the Cloud Run service ({@code K_SERVICE}), or {@code null} off Cloud Run
 * @param metadataUri the metadata server
 */
record ReceivingSettings(List<String> audiences, List<String> issuers, List<String> allowedCallers,
		boolean allowAnyCaller, URI jwkSetUri, Duration clockSkew, Duration maxTokenLifetime, List<String> publicPaths,
		boolean trustCloudRunIam, @Nullable String service, String metadataUri) {

	private static final String PREFIX = "cloudrun.auth.receiving.";

	private static final Log logger = LogFactory.getLog(CloudRunReceivingAutoConfiguration.class);

	static ReceivingSettings of(CloudRunReceivingProperties properties, Environment environment,
			@Nullable GoogleIdentityConnectionDetails connection) {
		String service = ProcessEnvironment.get(environment, ProcessEnvironment.K_SERVICE);
		String metadataUri = (connection != null) ? "http://" + connection.metadataServerHost()
				: ProcessEnvironment.metadataUri(environment);
		List<String> audiences = nonBlank("audiences", properties.audiences());
		if (audiences.isEmpty()) {
			audiences = List.of(derivedAudience(service, metadataUri));
		}
		List<String> issuers = nonBlank("issuers", properties.issuers());
		if (issuers.isEmpty()) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "issuers", properties.issuers(),
					"At least one issuer is required; Google's are https://accounts.google.com and accounts.google.com");
		}
		boolean trust = properties.trustCloudRunIam();
		if (trust && service == null && !properties.trustCloudRunIamOutsideCloudRun()) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "trust-cloud-run-iam", true,
					"This is not Cloud Run (the process environment has no K_SERVICE): only Cloud Run's IAM invoker "
							+ "check removes signatures, and anywhere else anyone could send a token with its "
							+ "signature removed. Remove it to verify signatures (set "
							+ "trust-cloud-run-iam-outside-cloud-run only in tests)");
		}
		List<String> callers = callers(properties, trust);
		Duration clockSkew = properties.clockSkew();
		if (clockSkew == null || clockSkew.isNegative()) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "clock-skew", clockSkew,
					"Must not be negative");
		}
		for (String path : properties.publicPaths()) {
			if (!StringUtils.hasText(path) || !path.startsWith("/")) {
				throw new InvalidConfigurationPropertyValueException(PREFIX + "public-paths", path,
						"Public paths are path patterns starting with '/', such as /actuator/health/**");
			}
		}
		positive("jwk-set-timeout", properties.jwkSetTimeout());
		atLeast("jwk-set-refetch-interval", properties.jwkSetRefetchInterval(), Duration.ofSeconds(1),
				"so that tokens with made-up key ids cannot make this service fetch Google's keys without pause");
		positive("max-token-lifetime", properties.maxTokenLifetime());
		atLeast("check-invoker-iam-interval", properties.checkInvokerIamInterval(), Duration.ofSeconds(10),
				"so that the Cloud Run Admin API is not asked more often than its setting can matter");
		httpUri("cloud-run-api-uri", properties.cloudRunApiUri(), "https://run.googleapis.com");
		return new ReceivingSettings(audiences, issuers, callers, properties.allowAnyCaller(),
				(connection != null) ? URI.create(connection.jwkSetUri())
						: httpUri("jwk-set-uri", properties.jwkSetUri(), "https://www.googleapis.com/oauth2/v3/certs"),
				clockSkew, properties.maxTokenLifetime(), List.copyOf(properties.publicPaths()), trust, service,
				metadataUri);
	}

	private static List<String> callers(CloudRunReceivingProperties properties, boolean trust) {
		List<String> callers = nonBlank("allowed-callers", properties.allowedCallers());
		for (String caller : callers) {
			try {
				AllowedCallers.of(List.of(caller));
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidConfigurationPropertyValueException(PREFIX + "allowed-callers", caller,
						ex.getMessage());
			}
		}
		if (properties.allowAnyCaller() && !callers.isEmpty()) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "allow-any-caller", true,
					"It admits every Google identity, so allowed-callers " + callers + " would mean nothing: "
							+ "remove one of them");
		}
		if (callers.isEmpty() && !trust && !properties.allowAnyCaller()) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "allowed-callers", List.of(),
					"No callers are allowed. This service verifies signatures itself, so nothing else decides who "
							+ "may call, and any service account of any Google Cloud project can mint an ID token for "
							+ "this service's audience. Name the callers: service account emails, or "
							+ "*@PROJECT.iam.gserviceaccount.com for every service account of a project. To admit "
							+ "every Google identity, set cloudrun.auth.receiving.allow-any-caller=true; behind Cloud "
							+ "Run's invoker IAM check, set cloudrun.auth.receiving.trust-cloud-run-iam=true instead");
		}
		return callers;
	}

	/**
	 * Return the rule for who may call: the listed callers; else any Google identity if
	 * so configured; else, in trust mode, whoever Cloud Run's invoker IAM check let
	 * through.
	 * @param invokerIam the check of the invoker IAM setting, if trust mode runs one
	 * @return the allowed callers
	 */
	AllowedCallers callers(@Nullable InvokerIamCheck invokerIam) {
		if (!this.allowedCallers.isEmpty()) {
			return AllowedCallers.of(this.allowedCallers);
		}
		return this.allowAnyCaller ? AllowedCallers.anyCaller() : AllowedCallers.runInvokers(invokerIam);
	}

	void logSummary() {
		logger.info("Cloud Run receiving: audiences " + this.audiences + "; callers: " + callers(null) + "; "
				+ (this.trustCloudRunIam ? "trusting Cloud Run's IAM check for tokens with removed signatures, "
						+ "verifying other signatures" : "verifying signatures")
				+ " with keys from " + this.jwkSetUri + "; issuers " + this.issuers + "; public paths "
				+ this.publicPaths);
		if (this.allowAnyCaller) {
			logger.warn("cloudrun.auth.receiving.allow-any-caller=true: every Google identity with a token for "
					+ this.audiences + " may call, from any Google Cloud project (any service account can mint one)");
		}
		if (this.trustCloudRunIam) {
			logger.warn("cloudrun.auth.receiving.trust-cloud-run-iam=true: tokens whose signature is "
					+ "SIGNATURE_REMOVED_BY_GOOGLE are accepted unverified. This is safe only if the service keeps "
					+ "Cloud Run's invoker IAM check on (no --allow-unauthenticated, no --no-invoker-iam-check)"
					+ ((this.service != null) ? "" : "; this is not Cloud Run, so that cannot be checked"));
		}
	}

	private static String derivedAudience(@Nullable String service, String metadataUri) {
		String reason = "No audience is configured. Set it to this service's URL, such as "
				+ "https://receiving-123456789012.us-central1.run.app, and any custom audiences: accepting any "
				+ "audience would let a token minted for another service be replayed here. (If this service receives "
				+ "no calls, set cloudrun.auth.receiving.enabled=false.)";
		if (service == null) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "audiences", null, reason);
		}
		try {
			String audience = new CloudRunServiceUrl(metadataUri).derive(service);
			logger.info("No cloudrun.auth.receiving.audiences configured; derived this Cloud Run service's URL from "
					+ "K_SERVICE and the metadata server: " + audience);
			return audience;
		}
		catch (IOException ex) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "audiences", null,
					reason + " On Cloud Run it is derived from K_SERVICE and the metadata server, which failed: "
							+ ex.getMessage());
		}
	}

	private static List<String> nonBlank(String name, @Nullable List<String> values) {
		List<String> result = new ArrayList<>();
		if (values != null) {
			for (String value : values) {
				if (!StringUtils.hasText(value)) {
					throw new InvalidConfigurationPropertyValueException(PREFIX + name, values,
							"Entries cannot be blank");
				}
				result.add(value.trim());
			}
		}
		return List.copyOf(result);
	}

	private static URI httpUri(String name, @Nullable String value, String example) {
		try {
			URI uri = new URI((value != null) ? value.trim() : "");
			if (uri.isAbsolute() && uri.getHost() != null
					&& ("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
				return uri;
			}
		}
		catch (URISyntaxException ex) {
			// reported below
		}
		throw new InvalidConfigurationPropertyValueException(PREFIX + name, value,
				"Must be an absolute http or https URL, such as " + example);
	}

	private static void positive(String name, @Nullable Duration value) {
		if (value == null || value.toMillis() <= 0) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + name, value, "Must be positive");
		}
	}

	private static void atLeast(String name, @Nullable Duration value, Duration minimum, String why) {
		if (value == null || value.compareTo(minimum) < 0) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + name, value,
					"Must be at least " + minimum.toSeconds() + "s, " + why);
		}
	}

}
