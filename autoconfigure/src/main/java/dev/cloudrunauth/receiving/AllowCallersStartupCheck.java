package dev.cloudrunauth.receiving;

import java.lang.reflect.Proxy;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.Advisor;
import org.springframework.aop.PointcutAdvisor;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Checks every bean that uses {@link AllowCallers @AllowCallers} once the context has
 * started: the annotation must be enforced (with
 * {@code cloudrun.auth.receiving.method-security=false} nothing would, and every caller
 * would pass), and each entry must be a valid caller, so that a typo fails startup rather
 * than the first call.
 */
final class AllowCallersStartupCheck implements SmartInitializingSingleton {

	private static final String METHOD_SECURITY = "cloudrun.auth.receiving.method-security";

	private final ConfigurableListableBeanFactory beanFactory;

	private final Environment environment;

	AllowCallersStartupCheck(ConfigurableListableBeanFactory beanFactory, Environment environment) {
		this.beanFactory = beanFactory;
		this.environment = environment;
	}

	@Override
	public void afterSingletonsInstantiated() {
		AllowCallersMethodAuthorization authorization = new AllowCallersMethodAuthorization(this.environment);
		boolean enforced = enforced();
		for (String name : this.beanFactory.getBeanDefinitionNames()) {
			Class<?> type = userType(name);
			if (type == null || !AllowCallersMethodAuthorization.isUsedBy(type)) {
				continue;
			}
			if (!enforced) {
				throw new InvalidConfigurationPropertyValueException(METHOD_SECURITY,
						this.environment.getProperty(METHOD_SECURITY),
						"Bean '" + name + "' (" + type.getName() + ") uses @AllowCallers, which only method security "
								+ "enforces: without it every caller would pass. Remove " + METHOD_SECURITY
								+ "=false, or enforce it in your own method security with a bean "
								+ "'@Bean static Advisor allowCallers(Environment environment) { return "
								+ "AllowCallersMethodAuthorization.advisor(environment); }' (reactiveAdvisor in WebFlux)");
			}
			try {
				authorization.validate(type);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException("Bean '" + name + "' (" + type.getName() + "): " + ex.getMessage(), ex);
			}
		}
	}

	private boolean enforced() {
		for (Advisor advisor : this.beanFactory.getBeansOfType(Advisor.class, false, false).values()) {
			if (advisor instanceof PointcutAdvisor pointcutAdvisor
					&& pointcutAdvisor.getPointcut() == AllowCallersMethodAuthorization.pointcut()) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The class a bean's code is in, skipping infrastructure and Spring's own classes,
	 * which never carry the annotation, so that startup does not walk the methods of
	 * hundreds of framework beans.
	 */
	private @Nullable Class<?> userType(String name) {
		BeanDefinition definition = this.beanFactory.getBeanDefinition(name);
		if (definition.getRole() == BeanDefinition.ROLE_INFRASTRUCTURE || definition.isAbstract()) {
			return null;
		}
		Class<?> type = this.beanFactory.getType(name, false);
		if (type != null && Proxy.isProxyClass(type) && this.beanFactory.containsSingleton(name)) {
			type = AopUtils.getTargetClass(this.beanFactory.getSingleton(name));
		}
		if (type == null) {
			return null;
		}
		type = ClassUtils.getUserClass(type);
		return (type.getName().startsWith("org.springframework.")
				|| !AnnotationUtils.isCandidateClass(type, AllowCallers.class)) ? null : type;
	}

}
