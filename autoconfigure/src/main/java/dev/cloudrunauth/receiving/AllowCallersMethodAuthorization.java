package dev.cloudrunauth.receiving;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInvocation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.Pointcuts;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.PropertyResolver;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.util.StringUtils;

/**
 * Method authorization for {@link AllowCallers @AllowCallers}, for Spring Security's method interceptors.
 */
public final class AllowCallersMethodAuthorization {

	private static final Log logger = LogFactory.getLog(AllowCallersMethodAuthorization.class);

	private final PropertyResolver placeholders;

	private final Map<Method, AllowedCallers> callers = new ConcurrentHashMap<>();

	/**
	 * Create the authorization.
	 * @param placeholders resolves placeholders in annotation values
	 */
	public AllowCallersMethodAuthorization(PropertyResolver placeholders) {
		this.placeholders = placeholders;
	}

	/**
	 * Return the pointcut of methods annotated, directly or through their class, with {@link AllowCallers}.
	 * @return the pointcut
	 */
	public static Pointcut pointcut() {
		return Pointcuts.union(new AnnotationMatchingPointcut(AllowCallers.class, true),
				new AnnotationMatchingPointcut(null, AllowCallers.class, true));
	}

	/**
	 * Return a manager for servlet applications.
	 * @return the manager
	 */
	public AuthorizationManager<MethodInvocation> authorizationManager() {
		return this::authorize;
	}

	/**
	 * Return a manager for reactive applications.
	 * @return the manager
	 */
	public ReactiveAuthorizationManager<MethodInvocation> reactiveAuthorizationManager() {
		return (authentication, invocation) -> authentication
			.map((auth) -> (AuthorizationResult) new AuthorizationDecision(allowedCallers(invocation).allows(auth)))
			.defaultIfEmpty(new AuthorizationDecision(false));
	}

	private AuthorizationResult authorize(Supplier<? extends @Nullable Authentication> authentication,
			MethodInvocation invocation) {
		return new AuthorizationDecision(allowedCallers(invocation).allows(authentication.get()));
	}

	private AllowedCallers allowedCallers(MethodInvocation invocation) {
		Method method = invocation.getMethod();
		Class<?> targetClass = (invocation.getThis() != null) ? AopUtils.getTargetClass(invocation.getThis())
				: method.getDeclaringClass();
		return this.callers.computeIfAbsent(AopUtils.getMostSpecificMethod(method, targetClass),
				(specific) -> resolve(specific, targetClass));
	}

	private AllowedCallers resolve(Method method, Class<?> targetClass) {
		AllowCallers annotation = AnnotatedElementUtils.findMergedAnnotation(method, AllowCallers.class);
		if (annotation == null) {
			annotation = AnnotatedElementUtils.findMergedAnnotation(targetClass, AllowCallers.class);
		}
		if (annotation == null) {
			return new AllowedCallers(List.of("(no @AllowCallers found)"));
		}
		List<String> emails = new ArrayList<>();
		for (String value : annotation.value()) {
			String resolved;
			try {
				resolved = this.placeholders.resolveRequiredPlaceholders(value);
			}
			catch (IllegalArgumentException ex) {
				logger.warn("@AllowCallers on " + method + " denies every caller: " + ex.getMessage());
				continue;
			}
			for (String email : StringUtils.commaDelimitedListToStringArray(resolved)) {
				if (StringUtils.hasText(email)) {
					emails.add(email.trim());
				}
			}
		}
		if (emails.isEmpty()) {
			// an empty list would allow any caller, which is not what an annotation listing callers means
			emails.add("(no callers listed)");
		}
		return new AllowedCallers(emails);
	}


}
