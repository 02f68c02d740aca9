package dev.cloudrunauth.calling;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.google.auth.http.HttpTransportFactory;
import com.google.auth.oauth2.GoogleCredentials;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.io.Resource;
import org.springframework.util.StringUtils;

/**
 * Turns {@link CloudRunCallingProperties} into targets and a token source, failing on
 * values that cannot work with a message that names the property.
 */
final class CallingPropertiesMapper {

	private static final String PREFIX = "cloudrun.auth.calling.";

	private static final Log logger = LogFactory.getLog(CloudRunCallingAutoConfiguration.class);

	private CallingPropertiesMapper() {
	}

	static CallingTargets targets(CloudRunCallingProperties properties) {
		List<CallingTarget> targets = new ArrayList<>();
		for (Map.Entry<String, CloudRunCallingProperties.Target> entry : properties.getTargets().entrySet()) {
			targets.add(target(entry.getKey(), entry.getValue(), properties));
		}
		return new CallingTargets(targets);
	}

	private static CallingTarget target(String name, CloudRunCallingProperties.Target target,
			CloudRunCallingProperties properties) {
		String property = PREFIX + "targets." + name + ".url";
		String url = target.getUrl();
		if (!StringUtils.hasText(url)) {
			throw new InvalidConfigurationPropertyValueException(property, url,
					"Each target needs the URL of the service, such as https://receiving-123456789012.us-central1.run.app");
		}
		URI uri;
		try {
			uri = new URI(url.trim());
		}
		catch (URISyntaxException ex) {
			throw new InvalidConfigurationPropertyValueException(property, url, "Not a URL: " + ex.getMessage());
		}
		String problem = CallingTarget.problemWith(uri);
		if (problem != null) {
			throw new InvalidConfigurationPropertyValueException(property, url,
					"The URL " + problem + ", such as https://receiving-123456789012.us-central1.run.app");
		}
		String audience = target.getAudience();
		if (audience != null && !StringUtils.hasText(audience)) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "targets." + name + ".audience", audience,
					"The audience cannot be blank; remove it to use the URL's origin");
		}
		if ("http".equalsIgnoreCase(uri.getScheme()) && !CallingTarget.isLoopback(uri.getHost())) {
			logger.warn("Target '" + name + "' (" + url + ") is plain HTTP: its ID tokens travel unencrypted");
		}
		IdTokenHeader header = (target.getHeader() != null) ? target.getHeader() : properties.getHeader();
		return new CallingTarget(name, uri, (audience != null) ? audience.trim() : CallingTarget.defaultAudience(uri),
				header, identity(name, target, properties));
	}

	/**
	 * Return the service account a target's tokens are minted as, or {@code null} when it
	 * is the token source's own (the global impersonated account, or the credentials).
	 */
	private static @Nullable String identity(String name, CloudRunCallingProperties.Target target,
			CloudRunCallingProperties properties) {
		String impersonate = target.getImpersonateServiceAccount();
		if (impersonate == null) {
			return null;
		}
		String identity = serviceAccount("targets." + name + ".impersonate-service-account", impersonate);
		String global = properties.getImpersonateServiceAccount();
		return (global != null && identity.equalsIgnoreCase(global.trim())) ? null : identity;
	}

	private static String serviceAccount(String name, String value) {
		String email = value.trim();
		if (!email.matches("[^@\\s]+@[^@\\s]+")) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + name, value,
					"Must be a service account email, such as caller@my-project.iam.gserviceaccount.com");
		}
		return email;
	}

	static GoogleIdTokenSource idTokenSource(CloudRunCallingProperties properties, CallingTargets targets,
			@Nullable GoogleCredentials credentials, @Nullable HttpTransportFactory transportFactory,
			ObservationRegistry observationRegistry) {
		GoogleIdTokenSource.Builder builder = GoogleIdTokenSource.builder().targets(observationRegistry, targets);
		Resource location = properties.getCredentialsLocation();
		String credentialsDescription = "Application Default Credentials";
		if (location != null) {
			if (credentials != null) {
				throw new InvalidConfigurationPropertyValueException(PREFIX + "credentials-location",
						location.getDescription(), "A GoogleCredentials bean is defined too; remove one of them");
			}
			if (!location.exists()) {
				throw new InvalidConfigurationPropertyValueException(PREFIX + "credentials-location",
						location.getDescription(), "The file does not exist. Point it at a service account key, "
								+ "or remove it to use Application Default Credentials");
			}
			builder.credentialsLocation(location);
			credentialsDescription = location.getDescription();
		}
		else if (credentials != null) {
			builder.credentials(credentials);
			credentialsDescription = "the GoogleCredentials bean";
		}
		String impersonate = properties.getImpersonateServiceAccount();
		if (impersonate != null) {
			String email = serviceAccount("impersonate-service-account", impersonate);
			builder.impersonateServiceAccount(email);
			credentialsDescription = "impersonation of " + email + " over " + credentialsDescription;
		}
		builder.userIdTokens(properties.getUserCredentials() == CloudRunCallingProperties.UserCredentials.ID_TOKEN);
		if (transportFactory != null) {
			builder.httpTransportFactory(transportFactory);
		}
		builder.refreshBeforeExpiry(notNegative("refresh-before-expiry", properties.getRefreshBeforeExpiry()));
		builder.timeout(positive("timeout", properties.getTimeout()));
		if (properties.getMaxAudiences() < 1) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "max-audiences", properties.getMaxAudiences(),
					"Must be at least 1");
		}
		builder.maxAudiences(properties.getMaxAudiences());
		Duration initial = positive("backoff.initial", properties.getBackoff().getInitial());
		Duration max = properties.getBackoff().getMax();
		if (max == null || max.compareTo(initial) < 0) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "backoff.max", max,
					"Must not be less than cloudrun.auth.calling.backoff.initial (" + initial + ")");
		}
		builder.backoff(initial, max);
		logger.info("Cloud Run calling: " + describe(targets) + "; ID tokens from " + credentialsDescription);
		return builder.build();
	}

	private static String describe(CallingTargets targets) {
		if (targets.isEmpty()) {
			return "no targets (tokens only through IdTokenSource)";
		}
		List<String> descriptions = new ArrayList<>();
		for (CallingTarget target : targets.asList()) {
			descriptions.add(target.getName() + " " + target.getUrl() + " (audience " + target.getAudience() + ", "
					+ target.getHeader().headerName() + ((target.identity() != null) ? ", as " + target.identity() : "")
					+ ")");
		}
		return "targets " + String.join(", ", descriptions);
	}

	private static Duration positive(String name, @Nullable Duration value) {
		if (value == null || value.toMillis() <= 0) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + name, value, "Must be positive");
		}
		return value;
	}

	private static Duration notNegative(String name, @Nullable Duration value) {
		if (value == null || value.isNegative()) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + name, value, "Must not be negative");
		}
		return value;
	}

}
