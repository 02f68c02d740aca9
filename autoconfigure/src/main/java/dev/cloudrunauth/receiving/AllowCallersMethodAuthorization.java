package dev.cloudrunauth.receiving;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.Advisor;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.Pointcuts;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.core.MethodClassKey;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.env.PropertyResolver;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.authorization.method.AuthorizationInterceptorsOrder;
import org.springframework.security.authorization.method.AuthorizationManagerBeforeMethodInterceptor;
import org.springframework.security.authorization.method.AuthorizationManagerBeforeReactiveMethodInterceptor;
import org.springframework.security.core.Authentication;
import org.springframework.util.Assert;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;

/**
 * Method authorization for {@link AllowCallers @AllowCallers}, for Spring Security's
 * method interceptors. The callers of a call are those of the annotation on the method,
 * else on the class of the object called (not the class that declares the method:
 * handlers inherited from a shared base class take each subclass's callers).
 * <p>
 * The starter registers it with its method security. An application that turns that off
 * ({@code cloudrun.auth.receiving.method-security=false}) and enables method security
 * itself declares {@code @Bean static Advisor allowCallers(Environment environment)}
 * returning {@link #advisor(PropertyResolver)} (or
 * {@link #reactiveAdvisor(PropertyResolver)}).
 */
public final class AllowCallersMethodAuthorization {

	/**
	 * Methods annotated, or of an annotated class, in classes that are not Spring's: the
	 * auto-proxy creator matches every method of every bean against each advisor, and
	 * Spring's several hundred beans never carry the annotation (17 ms of a small
	 * service's startup without the class filter, 1.4 ms with it).
	 */
	private static final Pointcut POINTCUT = new ComposablePointcut(AllowCallersMethodAuthorization::isCandidate)
		.intersection(Pointcuts.union(new AnnotationMatchingPointcut(AllowCallers.class, true),
				new AnnotationMatchingPointcut(null, AllowCallers.class, true)));

	private final PropertyResolver placeholders;

	private final Map<MethodClassKey, AllowedCallers> callers = new ConcurrentHashMap<>();

	/**
	 * Create the authorization.
	 * @param placeholders resolves placeholders in annotation values
	 */
	public AllowCallersMethodAuthorization(PropertyResolver placeholders) {
		Assert.notNull(placeholders, "placeholders cannot be null");
		this.placeholders = placeholders;
	}

	/**
	 * Return the pointcut of methods annotated, directly or through their class, with
	 * {@link AllowCallers}.
	 * @return the pointcut, always the same instance
	 */
	static Pointcut pointcut() {
		return POINTCUT;
	}

	/**
	 * Return the advisor that enforces {@link AllowCallers} in servlet applications,
	 * ordered right after {@code @PreAuthorize}.
	 * @param placeholders resolves placeholders in annotation values
	 * @return the advisor
	 */
	public static Advisor advisor(PropertyResolver placeholders) {
		AuthorizationManagerBeforeMethodInterceptor interceptor = new AuthorizationManagerBeforeMethodInterceptor(
				POINTCUT, new AllowCallersMethodAuthorization(placeholders).authorizationManager());
		interceptor.setOrder(AuthorizationInterceptorsOrder.PRE_AUTHORIZE.getOrder() + 1);
		return interceptor;
	}

	/**
	 * Return the advisor that enforces {@link AllowCallers} in reactive applications,
	 * ordered right after {@code @PreAuthorize}.
	 * @param placeholders resolves placeholders in annotation values
	 * @return the advisor
	 */
	public static Advisor reactiveAdvisor(PropertyResolver placeholders) {
		AuthorizationManagerBeforeReactiveMethodInterceptor interceptor = new AuthorizationManagerBeforeReactiveMethodInterceptor(
				POINTCUT, new AllowCallersMethodAuthorization(placeholders).reactiveAuthorizationManager());
		interceptor.setOrder(AuthorizationInterceptorsOrder.PRE_AUTHORIZE.getOrder() + 1);
		return interceptor;
	}

	/**
	 * Return whether a class uses {@link AllowCallers} on itself, a superclass, an
	 * interface or a method.
	 * @param type the class
	 * @return {@code true} if it does
	 */
	private static boolean isCandidate(Class<?> type) {
		return !type.getName().startsWith("org.springframework.")
				&& AnnotationUtils.isCandidateClass(type, AllowCallers.class);
	}

	static boolean isUsedBy(Class<?> type) {
		if (MergedAnnotations.from(type, MergedAnnotations.SearchStrategy.TYPE_HIERARCHY)
			.isPresent(AllowCallers.class)) {
			return true;
		}
		boolean[] found = { false };
		ReflectionUtils.doWithMethods(type, (method) -> found[0] = true,
				(method) -> !found[0] && MergedAnnotations.from(method, MergedAnnotations.SearchStrategy.TYPE_HIERARCHY)
					.isPresent(AllowCallers.class));
		return found[0];
	}

	/**
	 * Resolve every {@link AllowCallers} a class uses, so that an entry that is not a
	 * valid caller fails now rather than on the first call.
	 * @param type the class
	 * @throws IllegalArgumentException naming the method or class whose annotation has an
	 * invalid entry
	 */
	public void validate(Class<?> type) {
		if (AnnotatedElementUtils.findMergedAnnotation(type, AllowCallers.class) != null) {
			resolveClass(type);
		}
		ReflectionUtils.doWithMethods(type, (method) -> resolve(method, type),
				(method) -> AnnotatedElementUtils.findMergedAnnotation(method, AllowCallers.class) != null);
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
		return this.callers.computeIfAbsent(new MethodClassKey(method, targetClass),
				(key) -> resolve(AopUtils.getMostSpecificMethod(method, targetClass), targetClass));
	}

	private AllowedCallers resolve(Method method, Class<?> targetClass) {
		AllowCallers annotation = AnnotatedElementUtils.findMergedAnnotation(method, AllowCallers.class);
		return (annotation != null) ? resolve(annotation, method) : resolveClass(targetClass);
	}

	private AllowedCallers resolveClass(Class<?> type) {
		AllowCallers annotation = AnnotatedElementUtils.findMergedAnnotation(type, AllowCallers.class);
		// matched by the pointcut, so an annotation is there; none would be a bug, and
		// then nobody may call
		return (annotation != null) ? resolve(annotation, type) : AllowedCallers.of(List.of());
	}

	private AllowedCallers resolve(AllowCallers annotation, Object annotated) {
		List<String> entries = new ArrayList<>();
		for (String value : annotation.value()) {
			String resolved;
			try {
				resolved = this.placeholders.resolveRequiredPlaceholders(value);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("@AllowCallers on " + annotated + ": " + ex.getMessage(), ex);
			}
			for (String entry : StringUtils.commaDelimitedListToStringArray(resolved)) {
				if (StringUtils.hasText(entry)) {
					entries.add(entry.trim());
				}
			}
		}
		try {
			// an empty list admits nobody, which is what an annotation listing no callers
			// means
			return AllowedCallers.of(entries);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("@AllowCallers on " + annotated + ": " + ex.getMessage(), ex);
		}
	}

}
