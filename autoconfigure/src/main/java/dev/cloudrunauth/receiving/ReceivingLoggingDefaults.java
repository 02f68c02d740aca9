package dev.cloudrunauth.receiving;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Logging defaults that keep tokens out of the server's log. Tomcat logs, at INFO, the
 * whole header line of a request whose headers it cannot parse (a NUL byte after the
 * token, say), which quotes an {@code Authorization} header with its token; its level is
 * the only lever, so {@code org.apache.coyote.http11.Http11Processor} logs from WARN.
 * Spring Security's filter chain (DEBUG) and its request authorization (TRACE) log each
 * request line with its query string, which holds the token of a caller that sends it as
 * {@code ?access_token=}: both log from INFO, as does WebFlux's
 * {@code HttpWebHandlerAdapter}, which logs each request line (DEBUG) before security has
 * refused it. Added as the lowest-precedence property source: any {@code logging.level}
 * the application sets for these loggers wins (on other servers a level names a logger
 * nobody uses).
 */
class ReceivingLoggingDefaults implements EnvironmentPostProcessor, Ordered {

	static final String TOMCAT_HEADER_LOGGER = "logging.level.org.apache.coyote.http11.Http11Processor";

	static final String FILTER_CHAIN_LOGGER = "logging.level.org.springframework.security.web.FilterChainProxy";

	static final String WEBFLUX_REQUEST_LOGGER = "logging.level.org.springframework.web.server.adapter.HttpWebHandlerAdapter";

	static final String REQUEST_AUTHORIZATION_LOGGER = "logging.level.org.springframework.security.web.access.intercept.RequestMatcherDelegatingAuthorizationManager";

	private static final String SOURCE_NAME = "cloudrunAuthLoggingDefaults";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.getProperty("cloudrun.auth.receiving.enabled", Boolean.class, true)
				|| environment.getPropertySources().contains(SOURCE_NAME)) {
			return;
		}
		environment.getPropertySources()
			.addLast(new MapPropertySource(SOURCE_NAME, Map.of(TOMCAT_HEADER_LOGGER, "WARN", FILTER_CHAIN_LOGGER,
					"INFO", REQUEST_AUTHORIZATION_LOGGER, "INFO", WEBFLUX_REQUEST_LOGGER, "INFO")));
	}

	@Override
	public int getOrder() {
		// after the config data, so that cloudrun.auth.receiving.enabled from
		// application.yml counts
		return Ordered.LOWEST_PRECEDENCE;
	}

}
