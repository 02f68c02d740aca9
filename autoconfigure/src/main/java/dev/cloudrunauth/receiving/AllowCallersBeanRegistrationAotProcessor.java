package dev.cloudrunauth.receiving;

  import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.support.RegisteredBean;

/**
 * Makes the methods of beans that use {@link AllowCallers} introspectable in a native image, where
 * {@code @AllowCallers} is read from them when they are called.
 */
class AllowCallersBeanRegistrationAotProcessor implements BeanRegistrationAotProcessor {

	@Override
	public @Nullable BeanRegistrationAotContribution processAheadOfTime(RegisteredBean bean) {
		Class<?> type = bean.getBeanClass();
		if (!AllowCallersMethodAuthorization.isUsedBy(type)) {
			return null;
		}
		return (context, code) -> context.getRuntimeHints()
			.reflection()
			.registerType(type, MemberCategory.INTROSPECT_PUBLIC_METHODS, MemberCategory.INTROSPECT_DECLARED_METHODS);
	}

}
