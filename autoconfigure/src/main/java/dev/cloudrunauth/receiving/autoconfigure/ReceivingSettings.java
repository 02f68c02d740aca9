package dev.cloudrunauth.receiving.autoconfigure;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.cloudrunauth.receiving.AllowedCallers;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * The receiving side's settings, validated, with the audience derived on Cloud Run when none is configured. Values
 * that cannot work fail startup with a message naming the property.
 *
 * @param audiences the accepted audiences
 * @param issuers the accepted issuers
 * @param callers the allowed callers
 * @param jwkSetUri the JWK Set URI
 * @param clockSkew the clock skew
 * @param publicPaths the path patterns that need no token
 * @param trustCloudRunIam whether to accept tokens whose signature Cloud Run removed
 */
record ReceivingSettings(List<String> audiences, List<String> issuers, AllowedCallers callers, URI jwkSetUri,
		Duration clockSkew, List<String> publicPaths, boolean trustCloudRunIam) {

	private static final String PREFIX = "cloudrun.auth.receiving.";

	private static final Log logger = LogFactory.getLog(CloudRunReceivingAutoConfiguration.class);

	static ReceivingSettings of(CloudRunReceivingProperties properties, Environment environment) {
		String service = environment.getProperty("K_SERVICE");
		List<String> audiences = nonBlank("audiences", properties.getAudiences());
		if (audiences.isEmpty()) {
			audiences = List.of(derivedAudience(service, environment.getProperty("GCE_METADATA_HOST")));
		}
		List<String> issuers = nonBlank("issuers", properties.getIssuers());
		if (issuers.isEmpty()) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "issuers", properties.getIssuers(),
					"At least one issuer is required; Google's are https://accounts.google.com and accounts.google.com");
		}
		List<String> callers = nonBlank("allowed-callers", properties.getAllowedCallers());
		for (String caller : callers) {
			if (!caller.matches("[^@\\s]+@[^@\\s]+")) {
				throw new InvalidConfigurationPropertyValueException(PREFIX + "allowed-callers", caller,
						"Callers are service account emails, such as calling@my-project.iam.gserviceaccount.com");
			}
		}
		Duration clockSkew = properties.getClockSkew();
		if (clockSkew == null || clockSkew.isNegative()) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "clock-skew", clockSkew,
					"Must not be negative");
		}
		for (String path : properties.getPublicPaths()) {
			if (!StringUtils.hasText(path) || !path.startsWith("/")) {
				throw new InvalidConfigurationPropertyValueException(PREFIX + "public-paths", path,
						"Public paths are path patterns starting with '/', such as /actuator/health/**");
			}
		}
		positive("jwk-set-timeout", properties.getJwkSetTimeout());
		if (properties.getJwkSetRefetchInterval() == null || properties.getJwkSetRefetchInterval().isNegative()) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "jwk-set-refetch-interval",
					properties.getJwkSetRefetchInterval(), "Must not be negative");
		}
		boolean trust = properties.isTrustCloudRunIam();
		if (trust && service == null && !properties.isTrustCloudRunIamOutsideCloudRun()) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "trust-cloud-run-iam", true,
					"This is not Cloud Run (K_SERVICE is not set): only Cloud Run's IAM invoker check removes "
							+ "signatures, and anywhere else anyone could send a token with its signature removed. "
							+ "Remove it to verify signatures (set trust-cloud-run-iam-outside-cloud-run only in tests)");
		}
		return new ReceivingSettings(audiences, issuers, new AllowedCallers(callers),
				jwkSetUri(properties.getJwkSetUri()), clockSkew, List.copyOf(properties.getPublicPaths()), trust);
	}

	void logSummary() {
		logger.info("Cloud Run receiving: audiences " + this.audiences + "; callers " + this.callers + "; "
				+ (this.trustCloudRunIam ? "trusting Cloud Run's IAM check for tokens with removed signatures"
						: "verifying signatures")
				+ " with keys from " + this.jwkSetUri + "; issuers " + this.issuers + "; public paths "
				+ this.publicPaths);
		if (this.trustCloudRunIam) {
			logger.warn("cloudrun.auth.receiving.trust-cloud-run-iam=true: tokens whose signature is "
					+ "SIGNATURE_REMOVED_BY_GOOGLE are accepted unverified. This is safe only if the service requires "
					+ "authentication (no --allow-unauthenticated, invoker IAM check on); otherwise anyone can forge "
					+ "such a token");
		}
	}

	private static String derivedAudience(@Nullable String service, @Nullable String metadataHost) {
		String reason = "No audience is configured. Set it to this service's URL, such as "
				+ "https://receiving-123456789012.us-central1.run.app, and any custom audiences: accepting any "
				+ "audience would let a token minted for another service be replayed here. (If this service receives "
				+ "no calls, set cloudrun.auth.receiving.enabled=false.)";
		if (service == null) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "audiences", null, reason);
		}
		try {
			String audience = new CloudRunServiceUrl(metadataHost).derive(service);
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

	private static URI jwkSetUri(@Nullable String value) {
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
		throw new InvalidConfigurationPropertyValueException(PREFIX + "jwk-set-uri", value,
				"Must be an absolute http or https URL, such as https://www.googleapis.com/oauth2/v3/certs");
	}

	private static void positive(String name, @Nullable Duration value) {
		if (value == null || value.toMillis() <= 0) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + name, value, "Must be positive");
		}
	}

}
