package dev.cloudrunauth.test.emulator;

import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit Jupiter extension that runs a {@link GoogleIdentityEmulator} for a test class:
 * started before all tests, faults and counters reset before each, stopped after all.
 * Register it on a static field: <pre class="code">
 * &#064;RegisterExtension
 * static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();
 * </pre> then use {@link #emulator()}, or declare a {@link GoogleIdentityEmulator}
 * parameter. With {@code @ExtendWith(GoogleIdentityEmulatorExtension.class)} only
 * parameters work.
 */
public final class GoogleIdentityEmulatorExtension
		implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, ParameterResolver {

	private final Consumer<GoogleIdentityEmulatorBuilder> customizer;

	private volatile @Nullable GoogleIdentityEmulator emulator;

	/**
	 * Create an extension for an emulator with default settings on free ports.
	 */
	public GoogleIdentityEmulatorExtension() {
		this((builder) -> {
		});
	}

	/**
	 * Create an extension for an emulator with customized settings.
	 * @param customizer applied to the builder before the emulator starts
	 */
	public GoogleIdentityEmulatorExtension(Consumer<GoogleIdentityEmulatorBuilder> customizer) {
		this.customizer = customizer;
	}

	/**
	 * Return the running emulator.
	 * @return the emulator
	 * @throws IllegalStateException outside the test class's lifecycle
	 */
	public GoogleIdentityEmulator emulator() {
		GoogleIdentityEmulator emulator = this.emulator;
		if (emulator == null) {
			throw new IllegalStateException("The emulator runs only while the test class runs; register "
					+ "GoogleIdentityEmulatorExtension on a static field");
		}
		return emulator;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		GoogleIdentityEmulatorBuilder builder = GoogleIdentityEmulator.builder();
		this.customizer.accept(builder);
		this.emulator = builder.start();
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		emulator().reset();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		GoogleIdentityEmulator emulator = this.emulator;
		this.emulator = null;
		if (emulator != null) {
			emulator.close();
		}
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
			throws ParameterResolutionException {
		return parameterContext.getParameter().getType() == GoogleIdentityEmulator.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
			throws ParameterResolutionException {
		return emulator();
	}

}
