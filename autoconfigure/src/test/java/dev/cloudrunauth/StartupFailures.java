package dev.cloudrunauth;

import org.assertj.core.api.AbstractThrowableAssert;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.assertj.ApplicationContextAssertProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Assertions that a context failed to start because of one configuration property.
 */
public final class StartupFailures {

	private StartupFailures() {
	}

	/**
	 * Assert that the context failed with an
	 * {@link InvalidConfigurationPropertyValueException} for the property.
	 * @param context the context
	 * @param property the property
	 * @return an assertion on the exception, for its message
	 */
	public static AbstractThrowableAssert<?, ? extends Throwable> assertInvalidProperty(
			ApplicationContextAssertProvider<?> context, String property) {
		InvalidConfigurationPropertyValueException failure = cause(context,
				InvalidConfigurationPropertyValueException.class);
		assertThat(failure.getName()).isEqualTo(property);
		return assertThat(failure);
	}

	/**
	 * Assert that the context failed to bind the property.
	 * @param context the context
	 * @param property the property
	 */
	public static void assertBindingFailure(ApplicationContextAssertProvider<?> context, String property) {
		assertThat(cause(context, BindException.class).getProperty().getName()).hasToString(property);
	}

	private static <T extends Throwable> T cause(ApplicationContextAssertProvider<?> context, Class<T> type) {
		assertThat(context).hasFailed();
		Throwable failure = context.getStartupFailure();
		while (failure != null && !type.isInstance(failure)) {
			failure = failure.getCause();
		}
		assertThat(failure).as("%s in %s", type.getSimpleName(), context.getStartupFailure()).isNotNull();
		return type.cast(failure);
	}

}
