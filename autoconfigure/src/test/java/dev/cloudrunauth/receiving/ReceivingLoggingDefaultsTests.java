package dev.cloudrunauth.receiving;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class ReceivingLoggingDefaultsTests {

	private final StandardEnvironment environment = new StandardEnvironment();

	@Test
	void tomcatsHeaderParsingLoggerLogsFromWarnByDefault() {
		process();
		assertThat(this.environment.getProperty(ReceivingLoggingDefaults.TOMCAT_HEADER_LOGGER)).isEqualTo("WARN");
	}

	@Test
	void springSecuritysRequestLineLoggersLogFromInfoByDefault() {
		process();
		assertThat(this.environment.getProperty(ReceivingLoggingDefaults.FILTER_CHAIN_LOGGER)).isEqualTo("INFO");
		assertThat(this.environment.getProperty(ReceivingLoggingDefaults.REQUEST_AUTHORIZATION_LOGGER))
			.isEqualTo("INFO");
		assertThat(this.environment.getProperty(ReceivingLoggingDefaults.WEBFLUX_REQUEST_LOGGER)).isEqualTo("INFO");
	}

	@Test
	void theApplicationsOwnLevelWins() {
		this.environment.getPropertySources()
			.addFirst(new MapPropertySource("application",
					Map.of(ReceivingLoggingDefaults.TOMCAT_HEADER_LOGGER, "INFO")));
		process();
		assertThat(this.environment.getProperty(ReceivingLoggingDefaults.TOMCAT_HEADER_LOGGER)).isEqualTo("INFO");
	}

	@Test
	void aServiceWhoseReceivingSideIsOffKeepsTomcatsLevels() {
		this.environment.getPropertySources()
			.addFirst(new MapPropertySource("application", Map.of("cloudrun.auth.receiving.enabled", "false")));
		process();
		assertThat(this.environment.getProperty(ReceivingLoggingDefaults.TOMCAT_HEADER_LOGGER)).isNull();
		assertThat(this.environment.getProperty(ReceivingLoggingDefaults.FILTER_CHAIN_LOGGER)).isNull();
	}

	private void process() {
		new ReceivingLoggingDefaults().postProcessEnvironment(this.environment, new SpringApplication());
	}

}
