package dev.cloudrunauth.receiving;

import org.jspecify.annotations.Nullable;

import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.util.StringUtils;

/**
 * Variables that Cloud Run sets in the process environment, read from there only: through
 * the {@code Environment} a command-line argument ({@code --K_SERVICE=x}), a YAML key or
 * a test property would pass for them, and {@code K_SERVICE} decides whether trust mode
 * may start.
 */
final class ProcessEnvironment {

	static final String K_SERVICE = "K_SERVICE";

	static final String GCE_METADATA_HOST = "GCE_METADATA_HOST";

	private ProcessEnvironment() {
	}

	/**
	 * Return a variable of the process environment, as Spring's system-environment
	 * property source holds it.
	 * @param environment the environment
	 * @param name the variable
	 * @return its value, or {@code null} if it is unset or blank
	 */
	static @Nullable String get(Environment environment, String name) {
		Object value;
		if (environment instanceof ConfigurableEnvironment configurable) {
			PropertySource<?> source = configurable.getPropertySources()
				.get(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
			value = (source != null) ? source.getProperty(name) : null;
		}
		else {
			value = System.getenv(name);
		}
		return (value != null && StringUtils.hasText(value.toString())) ? value.toString().trim() : null;
	}

	/**
	 * Return the metadata server's base URL: {@code GCE_METADATA_HOST} if set, as
	 * google-auth-library reads it.
	 * @param environment the environment
	 * @return the URL, such as {@code http://metadata.google.internal}
	 */
	static String metadataUri(Environment environment) {
		String host = get(environment, GCE_METADATA_HOST);
		return "http://" + ((host != null) ? host : "metadata.google.internal");
	}

}
