package dev.cloudrunauth.receiving;

import java.lang.reflect.Proxy;
import java.util.Collection;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.Advisor;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Checks every bean that uses a method-security annotation once the context has started:
 * each annotation it uses must be enforced by an advisor (with
 * {@code cloudrun.auth.receiving.method-security=false}, with a {@code @Bean} method
 * whose declared type hid the annotations, or with {@code @Secured} that the
 * application's own {@code @EnableMethodSecurity} does not enable, nothing would, and
 * every caller would pass), and each {@link AllowCallers @AllowCallers} entry must be a
 * valid caller, so that a typo fails startup rather than the first call.
 */
final class MethodSecurityStartupCheck implements SmartInitializingSingleton {

	private static final String METHOD_SECURITY = OnMethodSecurityCondition.PROPERTY;

	private final ConfigurableListableBeanFactory beanFactory;

	private final Environment environment;

	MethodSecurityStartupCheck(ConfigurableListableBeanFactory beanFactory, Environment environment) {
		this.beanFactory = beanFactory;
		this.environment = environment;
	}

	@Override
	public void afterSingletonsInstantiated() {
		AllowCallersMethodAuthorization authorization = new AllowCallersMethodAuthorization(this.environment);
		Collection<Advisor> advisors = null;
		for (String name : this.beanFactory.getBeanDefinitionNames()) {
			Class<?> type = userType(name);
			if (type == null) {
				continue;
			}
			List<MethodSecurityAnnotations.Kind> used = MethodSecurityAnnotations.usedBy(type);
			if (used.isEmpty()) {
				continue;
			}
			if (advisors == null) {
				advisors = this.beanFactory.getBeansOfType(Advisor.class, false, false).values();
			}
			for (MethodSecurityAnnotations.Kind kind : used) {
				if (!kind.isEnforcedBy(advisors)) {
					throw notEnforced(name, type, kind);
				}
			}
			if (used.stream().anyMatch(MethodSecurityAnnotations.Kind::isAllowCallers)) {
				try {
					authorization.validate(type);
				}
				catch (IllegalArgumentException ex) {
					throw new IllegalStateException("Bean '" + name + "' (" + type.getName() + "): " + ex.getMessage(),
							ex);
				}
			}
		}
	}

	private InvalidConfigurationPropertyValueException notEnforced(String name, Class<?> type,
			MethodSecurityAnnotations.Kind kind) {
		String value = this.environment.getProperty(METHOD_SECURITY);
		String fix;
		if (kind.isAllowCallers()) {
			fix = ((value != null) ? "Remove " + METHOD_SECURITY + "=false" : "Set " + METHOD_SECURITY + "=true")
					+ ", or enforce it in your own method security with a bean "
					+ "'@Bean static Advisor allowCallers(Environment environment) { return "
					+ "AllowCallersMethodAuthorization.advisor(environment); }' (reactiveAdvisor in WebFlux)";
		}
		else if (kind.isPrePost()) {
			fix = ((value != null) ? "Remove " + METHOD_SECURITY + "=false" : "Set " + METHOD_SECURITY + "=true")
					+ ", or enable it with @EnableMethodSecurity (@EnableReactiveMethodSecurity in WebFlux)";
		}
		else {
			fix = "Enable it with @EnableMethodSecurity(" + kind.enablingAttribute() + " = true)";
		}
		return new InvalidConfigurationPropertyValueException(METHOD_SECURITY, value,
				"Bean '" + name + "' (" + type.getName() + ") uses " + kind.name()
						+ ", which no method security enforces: every caller would pass. " + fix);
	}

	/**
	 * The class a bean's code is in, skipping infrastructure and Spring's own classes,
	 * which never carry the annotations, so that startup does not walk the methods of
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
		return MethodSecurityAnnotations.isCandidate(type) ? type : null;
	}

}
