package dev.cloudrunauth.receiving;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.util.ClassUtils;

/**
 * Makes the methods of beans that use {@link AllowCallers} introspectable in a native
 * image, where {@code @AllowCallers} is read from them when they are called.
 */
class AllowCallersBeanRegistrationAotProcessor implements BeanRegistrationAotProcessor {

	// a calling-only application has no Spring Security: nothing enforces @AllowCallers,
	// and the class that finds it
	// cannot be loaded
	private static final boolean METHOD_SECURITY_PRESENT = ClassUtils.isPresent(
			"org.springframework.security.authorization.method.AuthorizationManagerBeforeMethodInterceptor",
			AllowCallersBeanRegistrationAotProcessor.class.getClassLoader());

	@Override
	public @Nullable BeanRegistrationAotContribution processAheadOfTime(RegisteredBean bean) {
		Class<?> type = bean.getBeanClass();
		if (!METHOD_SECURITY_PRESENT || !AllowCallersMethodAuthorization.isUsedBy(type)) {
			return null;
		}
		return (context, code) -> context.getRuntimeHints()
			.reflection()
			.registerType(type, MemberCategory.INTROSPECT_PUBLIC_METHODS, MemberCategory.INTROSPECT_DECLARED_METHODS);
	}

}
