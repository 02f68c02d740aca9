package dev.cloudrunauth.test.autoconfigure;

import java.util.Map;

import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorBuilder;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Starts one emulator per application context, registers it as a bean that is closed with
 * the context, and points the receiving side's key set at it. Equal customizers share a
 * cached context, as for any other context customizer.
 *
 * @param serviceAccount the metadata server's identity, or empty for the default
 */
record GoogleIdentityContextCustomizer(String serviceAccount) implements ContextCustomizer {

	static final String BEAN_NAME = "googleIdentityEmulator";

	static final String JWK_SET_URI = "cloudrun.auth.receiving.jwk-set-uri";

	@Override
	public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
		GoogleIdentityEmulatorBuilder builder = GoogleIdentityEmulator.builder();
		if (!this.serviceAccount.isEmpty()) {
			builder.serviceAccount(this.serviceAccount);
		}
		GoogleIdentityEmulator emulator = builder.start();
		DefaultListableBeanFactory beanFactory = (DefaultListableBeanFactory) context.getBeanFactory();
		beanFactory.registerSingleton(BEAN_NAME, emulator);
		// a registered singleton is not destroyed with the context unless it is also
		// registered as disposable; this also covers a context whose refresh failed
		beanFactory.registerDisposableBean(BEAN_NAME, emulator::close);
		context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource(BEAN_NAME, Map.of(JWK_SET_URI, emulator.jwkSetUri())));
	}

}
