package dev.cloudrunauth.receiving;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationCode;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

class ReceivingAotTests {

	@Test
	void callerExpressionsCanBeInvokedReflectively() {
		RuntimeHints hints = new RuntimeHints();
		new ReceivingRuntimeHints().registerHints(hints, getClass().getClassLoader());
		assertThat(RuntimeHintsPredicates.reflection()
			.onType(CallerExpressions.class)
			.withMemberCategory(MemberCategory.INVOKE_PUBLIC_METHODS)).accepts(hints);
	}

	@Test
	void withoutSpringSecurityThereAreNoHints() {
		RuntimeHints hints = new RuntimeHints();
		new ReceivingRuntimeHints().registerHints(hints,
				new FilteredClassLoader(org.springframework.security.core.context.SecurityContextHolder.class));
		assertThat(hints.reflection().typeHints()).isEmpty();
	}

	@Test
	void registrarAndProcessorAreRegisteredInAotFactories() {
		assertThat(SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(org.springframework.aot.hint.RuntimeHintsRegistrar.class))
			.anyMatch(ReceivingRuntimeHints.class::isInstance);
		assertThat(SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(org.springframework.beans.factory.aot.BeanRegistrationAotProcessor.class))
			.anyMatch(AllowCallersBeanRegistrationAotProcessor.class::isInstance);
	}

	@Test
	void beansUsingAllowCallersOnMethodsOrClassBecomeIntrospectable() {
		assertThat(hintsFor(AnnotatedMethod.class)).satisfies((hints) -> assertThat(RuntimeHintsPredicates.reflection()
			.onType(AnnotatedMethod.class)
			.withMemberCategory(MemberCategory.INTROSPECT_DECLARED_METHODS)).accepts(hints));
		assertThat(hintsFor(AnnotatedClass.class)).satisfies((hints) -> assertThat(RuntimeHintsPredicates.reflection()
			.onType(AnnotatedClass.class)
			.withMemberCategory(MemberCategory.INTROSPECT_PUBLIC_METHODS)).accepts(hints));
	}

	@Test
	void otherBeansGetNoHints() {
		DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
		beans.registerBeanDefinition("plain", new RootBeanDefinition(Plain.class));
		assertThat(new AllowCallersBeanRegistrationAotProcessor().processAheadOfTime(RegisteredBean.of(beans, "plain")))
			.isNull();
	}

	private static RuntimeHints hintsFor(Class<?> type) {
		DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
		beans.registerBeanDefinition("bean", new RootBeanDefinition(type));
		BeanRegistrationAotContribution contribution = new AllowCallersBeanRegistrationAotProcessor()
			.processAheadOfTime(RegisteredBean.of(beans, "bean"));
		assertThat(contribution).isNotNull();
		DefaultGenerationContext context = new DefaultGenerationContext(
				new ClassNameGenerator(org.springframework.javapoet.ClassName.get(ReceivingAotTests.class)),
				new InMemoryGeneratedFiles());
		contribution.applyTo(context, mock(BeanRegistrationCode.class));
		return context.getRuntimeHints();
	}

	static class AnnotatedMethod {

		@AllowCallers("a@p.iam.gserviceaccount.com")
		public String read() {
			return "x";
		}

	}

	@AllowCallers("a@p.iam.gserviceaccount.com")
	static class AnnotatedClass {

		public String read() {
			return "x";
		}

	}

	static class Plain {

	}

}
