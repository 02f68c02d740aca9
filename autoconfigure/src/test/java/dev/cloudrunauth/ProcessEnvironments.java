package dev.cloudrunauth;

import java.util.HashMap;
import java.util.Map;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Process environment variables for a test's application context, such as
 * {@code K_SERVICE}, which the library reads from the system-environment property source
 * only.
 */
public final class ProcessEnvironments {

	private ProcessEnvironments() {
	}

	/**
	 * Return an initializer that adds variables to the context's system-environment
	 * property source.
	 * @param variables names and values, alternately
	 * @return the initializer
	 */
	public static ApplicationContextInitializer<ConfigurableApplicationContext> with(String... variables) {
		Map<String, Object> environment = new HashMap<>(System.getenv());
		for (int i = 0; i < variables.length; i += 2) {
			environment.put(variables[i], variables[i + 1]);
		}
		return (context) -> context.getEnvironment()
			.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
					StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment));
	}

}
