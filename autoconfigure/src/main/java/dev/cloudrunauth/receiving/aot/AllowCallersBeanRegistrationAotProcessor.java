package dev.cloudrunauth.receiving.aot;

import java.lang.reflect.Method;

import dev.cloudrunauth.receiving.AllowCallers;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.util.ReflectionUtils;

/**
 * Makes the methods of beans that use {@link AllowCallers} introspectable in a native image, where
 * {@code @AllowCallers} is read from them when they are called.
 */
class AllowCallersBeanRegistrationAotProcessor implements BeanRegistrationAotProcessor {

	@Override
	public @Nullable BeanRegistrationAotContribution processAheadOfTime(RegisteredBean bean) {
		Class<?> type = bean.getBeanClass();
		if (!usesAllowCallers(type)) {
			return null;
		}
		return (context, code) -> context.getRuntimeHints()
			.reflection()
			.registerType(type, MemberCategory.INTROSPECT_PUBLIC_METHODS, MemberCategory.INTROSPECT_DECLARED_METHODS);
	}

	static boolean usesAllowCallers(Class<?> type) {
		if (MergedAnnotations.from(type, MergedAnnotations.SearchStrategy.TYPE_HIERARCHY).isPresent(AllowCallers.class)) {
			return true;
		}
		boolean[] found = { false };
		ReflectionUtils.doWithMethods(type, (Method method) -> found[0] = true,
				(Method method) -> !found[0] && MergedAnnotations
					.from(method, MergedAnnotations.SearchStrategy.TYPE_HIERARCHY)
					.isPresent(AllowCallers.class));
		return found[0];
	}

}
