package dev.cloudrunauth.receiving;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.ClassUtils;

/**
 * Matches when the starter should enable method security: when
 * {@code cloudrun.auth.receiving.method-security} is {@code true}, or when it is not set
 * and an application bean uses a method-security annotation. Method security costs every
 * application that has no such annotation a proxy check of every bean at startup (about
 * 200 ms of CPU for a small service), so it is not switched on for nothing.
 * <p>
 * The bean types seen here are those declared: a {@code @Bean} method that returns an
 * interface hides its class's annotations. {@link MethodSecurityStartupCheck} looks again
 * at the beans themselves once they exist, and fails startup if one of them uses an
 * annotation that nothing enforces.
 */
class OnMethodSecurityCondition extends SpringBootCondition implements ConfigurationCondition {

	static final String PROPERTY = "cloudrun.auth.receiving.method-security";

	@Override
	public ConfigurationPhase getConfigurationPhase() {
		return ConfigurationPhase.REGISTER_BEAN;
	}

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Boolean enabled = context.getEnvironment().getProperty(PROPERTY, Boolean.class);
		if (enabled != null) {
			return new ConditionOutcome(enabled, PROPERTY + " is " + enabled);
		}
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		if (beanFactory == null) {
			return ConditionOutcome.match("no bean factory to look into");
		}
		for (String name : beanFactory.getBeanDefinitionNames()) {
			String use = use(beanFactory, name);
			if (use != null) {
				return ConditionOutcome.match(use);
			}
		}
		return ConditionOutcome.noMatch("no bean uses a method-security annotation and " + PROPERTY + " is not set");
	}

	private static @Nullable String use(ConfigurableListableBeanFactory beanFactory, String name) {
		BeanDefinition definition = beanFactory.getBeanDefinition(name);
		if (definition.getRole() == BeanDefinition.ROLE_INFRASTRUCTURE || definition.isAbstract()) {
			return null;
		}
		Class<?> type;
		try {
			type = beanFactory.getType(name, false);
		}
		catch (BeansException | LinkageError ex) {
			// A class that cannot be looked at may use one: enforcing costs less than
			// guessing wrong.
			return "bean '" + name + "' has a type that cannot be loaded";
		}
		if (type == null) {
			return null;
		}
		type = ClassUtils.getUserClass(type);
		if (!MethodSecurityAnnotations.isCandidate(type)) {
			return null;
		}
		List<MethodSecurityAnnotations.Kind> used = MethodSecurityAnnotations.usedBy(type);
		return used.isEmpty() ? null : "bean '" + name + "' (" + type.getName() + ") uses " + used;
	}

}
