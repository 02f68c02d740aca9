package dev.cloudrunauth.receiving;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * IAP mode's settings, validated, with the audience derived on Cloud Run when none is
 * configured. Settings that cannot work, and a rule that would admit IAP users without
 * being told to, fail startup with a message naming the property.
 *
 * @param audiences the accepted audiences of IAP's assertions
 * @param jwkSetUri where IAP publishes its keys
 * @param users the IAP users who may call
 */
record IapSettings(List<String> audiences, URI jwkSetUri, IapUsers users) {

	private static final String PREFIX = "cloudrun.auth.receiving.iap.";

	private static final Pattern AUDIENCE = Pattern.compile("/projects/[0-9]+/(locations/[a-z0-9-]+/services/[a-z0-9-]+"
			+ "|global/backendServices/[0-9]+|apps/[a-z0-9.:-]+)");

	private static final Log logger = LogFactory.getLog(CloudRunReceivingAutoConfiguration.class);

	static IapSettings of(CloudRunReceivingProperties.Iap properties, Environment environment) {
		List<String> audiences = new ArrayList<>();
		for (String audience : (properties.audiences() != null) ? properties.audiences() : List.<String>of()) {
			if (audience == null || !AUDIENCE.matcher(audience.trim()).matches()) {
				throw new InvalidConfigurationPropertyValueException(PREFIX + "audiences", audience,
						"IAP's audiences are /projects/NUMBER/locations/REGION/services/SERVICE (IAP on Cloud Run), "
								+ "/projects/NUMBER/global/backendServices/ID (load balancer) or "
								+ "/projects/NUMBER/apps/PROJECT_ID, with the project number, not its id");
			}
			audiences.add(audience.trim());
		}
		if (audiences.isEmpty()) {
			audiences.add(derivedAudience(ProcessEnvironment.get(environment, ProcessEnvironment.K_SERVICE),
					ProcessEnvironment.metadataUri(environment)));
		}
		IapSettings settings = new IapSettings(List.copyOf(audiences), jwkSetUri(properties.jwkSetUri()),
				users(properties));
		logger.info("Cloud Run receiving, IAP mode: assertions for " + settings.audiences + "; users: " + settings.users
				+ "; keys from " + settings.jwkSetUri);
		return settings;
	}

	private static IapUsers users(CloudRunReceivingProperties.Iap properties) {
		List<String> entries = new ArrayList<>();
		for (String entry : (properties.allowedUsers() != null) ? properties.allowedUsers() : List.<String>of()) {
			try {
				entries.add(CallerPattern.parse((entry != null) ? entry.trim() : "").toString());
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidConfigurationPropertyValueException(PREFIX + "allowed-users", entry,
						"Allowed IAP users are emails, such as alice@example.com, or *@DOMAIN for the members of a "
								+ "Google Workspace organization, such as *@example.com");
			}
		}
		if (properties.allowAnyUser() && !entries.isEmpty()) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "allow-any-user", true,
					"It admits every user IAP signed in, so allowed-users " + entries + " would mean nothing: "
							+ "remove one of them");
		}
		if (properties.allowAnyUser()) {
			return IapUsers.anyUser();
		}
		if (entries.isEmpty()) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "allowed-users", List.of(),
					"No IAP users are allowed. Name them: emails, or *@DOMAIN for the members of a Google Workspace "
							+ "organization. To let IAP's access policy (roles/iap.httpsResourceAccessor) decide "
							+ "alone, set cloudrun.auth.receiving.iap.allow-any-user=true");
		}
		return IapUsers.of(entries);
	}

	private static String derivedAudience(@Nullable String service, String metadataUri) {
		String reason = "No IAP audience is configured. Set it to /projects/NUMBER/locations/REGION/services/SERVICE "
				+ "for IAP on this Cloud Run service, or /projects/NUMBER/global/backendServices/ID behind a load "
				+ "balancer: accepting any audience would let an assertion IAP signed for another app be replayed here.";
		if (service == null) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "audiences", null,
					reason + " (On Cloud Run it is derived from K_SERVICE, which is not set.)");
		}
		try {
			String audience = new CloudRunServiceUrl(metadataUri).deriveIapAudience(service);
			logger.info("No cloudrun.auth.receiving.iap.audiences configured; derived IAP's audience for this Cloud "
					+ "Run service from K_SERVICE and the metadata server: " + audience);
			return audience;
		}
		catch (IOException ex) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "audiences", null,
					reason + " On Cloud Run it is derived from K_SERVICE and the metadata server, which failed: "
							+ ex.getMessage());
		}
	}

	private static URI jwkSetUri(@Nullable String value) {
		try {
			URI uri = new URI(StringUtils.hasText(value) ? value.trim() : "");
			if (uri.isAbsolute() && uri.getHost() != null
					&& ("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
				return uri;
			}
		}
		catch (URISyntaxException ex) {
			// reported below
		}
		throw new InvalidConfigurationPropertyValueException(PREFIX + "jwk-set-uri", value,
				"Must be an absolute http or https URL, such as https://www.gstatic.com/iap/verify/public_key-jwk");
	}

}
