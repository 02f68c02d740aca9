package dev.cloudrunauth.test.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Adds a {@link GoogleIdentityContextCustomizer} to the contexts of tests annotated with
 * {@link AutoConfigureGoogleIdentity}.
 */
final class GoogleIdentityContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		AutoConfigureGoogleIdentity annotation = TestContextAnnotationUtils.findMergedAnnotation(testClass,
				AutoConfigureGoogleIdentity.class);
		return (annotation != null) ? new GoogleIdentityContextCustomizer(annotation.serviceAccount()) : null;
	}

}
