package dev.cloudrunauth.receiving;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.util.ClassUtils;

/**
 * Hints for the {@code @caller} bean, whose methods {@code @PreAuthorize} expressions
 * call by reflection, and for the {@link AllowCallers} annotation; none in an application
 * without Spring Security, where nothing calls them.
 */
class ReceivingRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		if (!ClassUtils.isPresent("org.springframework.security.core.context.SecurityContextHolder", classLoader)) {
			return;
		}
		hints.reflection().registerType(CallerExpressions.class, MemberCategory.INVOKE_PUBLIC_METHODS);
		hints.reflection().registerType(AllowCallers.class, MemberCategory.INVOKE_DECLARED_METHODS);
	}

}
