package dev.cloudrunauth.receiving;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.RolesAllowed;

import org.springframework.aop.Advisor;
import org.springframework.aop.Pointcut;
import org.springframework.aop.PointcutAdvisor;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.security.access.annotation.Secured;
import org.springframework.security.access.prepost.PostAuthorize;
import org.springframework.security.access.prepost.PostFilter;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.access.prepost.PreFilter;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * The method-security annotations an application may put on its beans: which of them a
 * class uses, and whether an advisor enforces each. Method security is switched on when a
 * bean uses one, and startup fails when a bean uses one that nothing enforces: an
 * annotation that no interceptor reads lets every caller through.
 * <p>
 * Spring Security answers neither question: {@code @EnableMethodSecurity} enforces what
 * it enables and silently ignores the rest (a {@code @Secured} method without
 * {@code securedEnabled} is open to all).
 */
final class MethodSecurityAnnotations {

	private static final List<Kind> KINDS = kinds();

	private MethodSecurityAnnotations() {
	}

	/**
	 * Return the method-security annotations a class uses on itself, a superclass, an
	 * interface or a method.
	 * @param type the class
	 * @return the annotations used, empty if none
	 */
	static List<Kind> usedBy(Class<?> type) {
		Set<Kind> used = new HashSet<>();
		collect(MergedAnnotations.from(type, SearchStrategy.TYPE_HIERARCHY), used);
		ReflectionUtils.doWithMethods(type,
				(method) -> collect(MergedAnnotations.from(method, SearchStrategy.TYPE_HIERARCHY), used),
				ReflectionUtils.USER_DECLARED_METHODS);
		return KINDS.stream().filter(used::contains).toList();
	}

	private static void collect(MergedAnnotations annotations, Set<Kind> used) {
		for (Kind kind : KINDS) {
			if (annotations.isPresent(kind.type)) {
				used.add(kind);
			}
		}
	}

	/**
	 * Return whether a class is worth looking at: not one of Spring's, and one whose
	 * annotations may hold one of ours.
	 * @param type the class
	 * @return {@code true} if it may use a method-security annotation
	 */
	static boolean isCandidate(Class<?> type) {
		if (type.getName().startsWith("org.springframework.")) {
			return false;
		}
		for (Kind kind : KINDS) {
			if (AnnotationUtils.isCandidateClass(type, kind.type)) {
				return true;
			}
		}
		return false;
	}

	private static List<Kind> kinds() {
		List<Kind> kinds = new ArrayList<>();
		kinds.add(new Kind(AllowCallers.class, "allowCallers"));
		kinds.add(new Kind(PreAuthorize.class, "preAuthorize"));
		kinds.add(new Kind(PostAuthorize.class, "postAuthorize"));
		kinds.add(new Kind(PreFilter.class, "preFilter"));
		kinds.add(new Kind(PostFilter.class, "postFilter"));
		kinds.add(new Kind(Secured.class, "secured"));
		if (ClassUtils.isPresent("jakarta.annotation.security.RolesAllowed",
				MethodSecurityAnnotations.class.getClassLoader())) {
			kinds.add(new Kind(RolesAllowed.class, "rolesAllowed"));
			kinds.add(new Kind(DenyAll.class, "denyAll"));
		}
		return List.copyOf(kinds);
	}

	/**
	 * One method-security annotation, with a probe: a method that carries it alone, so
	 * that an advisor enforces the annotation exactly when its pointcut matches the
	 * probe.
	 */
	static final class Kind {

		private final Class<? extends Annotation> type;

		private final Method probe;

		private Kind(Class<? extends Annotation> type, String probe) {
			this.type = type;
			this.probe = ReflectionUtils.findMethod(Probes.class, probe);
		}

		String name() {
			return "@" + this.type.getSimpleName();
		}

		boolean isAllowCallers() {
			return this.type == AllowCallers.class;
		}

		/**
		 * Return whether {@code @EnableMethodSecurity}'s default enables it.
		 */
		boolean isPrePost() {
			return this.type.getPackageName().equals(PreAuthorize.class.getPackageName());
		}

		/**
		 * Return the {@code @EnableMethodSecurity} attribute that enables it.
		 */
		String enablingAttribute() {
			return (this.type == Secured.class) ? "securedEnabled" : isPrePost() ? "prePostEnabled" : "jsr250Enabled";
		}

		boolean isEnforcedBy(Collection<Advisor> advisors) {
			for (Advisor advisor : advisors) {
				if (advisor instanceof PointcutAdvisor pointcutAdvisor && matches(pointcutAdvisor.getPointcut())) {
					return true;
				}
			}
			return false;
		}

		private boolean matches(Pointcut pointcut) {
			return pointcut.getClassFilter().matches(Probes.class)
					&& pointcut.getMethodMatcher().matches(this.probe, Probes.class);
		}

		@Override
		public String toString() {
			return name();
		}

	}

	/**
	 * One method per annotation, never called: what each advisor's pointcut is matched
	 * against.
	 */
	@SuppressWarnings("unused")
	static final class Probes {

		@AllowCallers("probe@probe.iam.gserviceaccount.com")
		void allowCallers() {
		}

		@PreAuthorize("denyAll()")
		void preAuthorize() {
		}

		@PostAuthorize("denyAll()")
		void postAuthorize() {
		}

		@PreFilter("false")
		void preFilter() {
		}

		@PostFilter("false")
		void postFilter() {
		}

		@Secured("ROLE_PROBE")
		void secured() {
		}

		@RolesAllowed("PROBE")
		void rolesAllowed() {
		}

		@DenyAll
		void denyAll() {
		}

	}

}
