package dev.cloudrunauth.receiving;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches in trust mode on Cloud Run ({@code K_SERVICE} in the process environment)
 * unless {@code cloudrun.auth.receiving.check-invoker-iam} is {@code false}.
 */
class OnInvokerIamCheckCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Environment environment = context.getEnvironment();
		if (!environment.getProperty("cloudrun.auth.receiving.trust-cloud-run-iam", Boolean.class, false)) {
			return ConditionOutcome.noMatch("not in trust mode");
		}
		if (!environment.getProperty("cloudrun.auth.receiving.check-invoker-iam", Boolean.class, true)) {
			return ConditionOutcome.noMatch("cloudrun.auth.receiving.check-invoker-iam is false");
		}
		if (ProcessEnvironment.get(environment, ProcessEnvironment.K_SERVICE) == null) {
			return ConditionOutcome.noMatch("K_SERVICE is not in the process environment (not Cloud Run)");
		}
		return ConditionOutcome.match("trust mode on Cloud Run");
	}

}
