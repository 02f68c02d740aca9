package dev.cloudrunauth.benchmarks.startup;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.ClassUtils;

/**
 * Starts one of the apps of measurement 7 in its child JVM, prints one {@code STARTUP}
 * line (how long {@code SpringApplication.run} took, the JVM's uptime, its CPU time and
 * that of the main thread, how many classes were loaded and what the context holds, so
 * that a wrong class path shows), and exits. Refers to no class of the starter or of
 * Spring Security, so that it runs on every class path.
 * <p>
 * {@code -Dstartup.sources=a.B,c.D} adds configuration classes as sources (a hand
 * configuration's {@code @EnableMethodSecurity}). {@code -Dstartup.top=N} records the
 * start's steps with their CPU time ({@link CpuTimeApplicationStartup}) and also prints
 * the {@code N} bean instantiations that took the most CPU time ({@code SLOWEST}), the
 * self CPU time of the beans of each configuration class ({@code BYCONFIG}), that of each
 * kind of startup step ({@code STEPS}), and what matching every bean against each
 * {@code Advisor} costs ({@code ADVISORS}).
 */
public final class StartupRunner {

	private StartupRunner() {
	}

	public static void run(Class<?> application, String[] args) {
		long start = System.nanoTime();
		List<Class<?>> sources = new ArrayList<>();
		sources.add(application);
		for (String name : System.getProperty("startup.sources", "").split(",")) {
			if (!name.isBlank()) {
				sources.add(load(name.trim()));
			}
		}
		SpringApplication app = new SpringApplication(sources.toArray(Class<?>[]::new));
		app.setBannerMode(Banner.Mode.OFF);
		int top = Integer.getInteger("startup.top", 0);
		CpuTimeApplicationStartup steps = (top > 0) ? new CpuTimeApplicationStartup() : null;
		if (steps != null) {
			app.setApplicationStartup(steps);
		}
		ConfigurableApplicationContext context = app.run(args);
		long runNanos = System.nanoTime() - start;
		long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
		long cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime() / 1_000_000;
		long mainCpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1_000_000;
		long classes = ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
		long starterThreadsCpu = starterThreadsCpuMillis();
		Object controller = context.getBeansWithAnnotation(org.springframework.web.bind.annotation.RestController.class)
			.values()
			.stream()
			.findFirst()
			.orElse(null);
		System.out.println("STARTUP runMicros=" + (runNanos / 1000) + " uptimeMillis=" + uptime + " cpuMillis=" + cpu
				+ " mainCpuMillis=" + mainCpu + " classes=" + classes + " starterThreadsCpuMillis=" + starterThreadsCpu
				+ " securityOnClasspath=" + present("org.springframework.security.web.SecurityFilterChain")
				+ " starterOnClasspath=" + present("dev.cloudrunauth.calling.CallingTargets")
				+ " googleAuthOnClasspath=" + present("com.google.auth.oauth2.GoogleCredentials")
				+ " securityFilterChain=" + context.containsBean("springSecurityFilterChain") + " starterDecoder="
				+ context.containsBean("googleIdTokenDecoder") + " idTokenSource="
				+ context.containsBean("idTokenSource") + " methodSecurity="
				+ context.containsBean("preAuthorizeAuthorizationMethodInterceptor") + " allowCallersAdvisor="
				+ context.containsBean("allowCallersAuthorizationAdvisor") + " controllerProxied="
				+ (controller != null && AopUtils.isAopProxy(controller)) + " beans="
				+ context.getBeanDefinitionCount());
		if (steps != null) {
			report(steps, context.getBeanFactory(), top);
			advisors(context.getBeanFactory());
		}
		System.out.flush();
		context.close();
		System.exit(0);
	}

	/**
	 * The CPU time of the starter's own threads so far (the receiving side's JWK Set
	 * fetch runs on them).
	 */
	private static long starterThreadsCpuMillis() {
		java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		long nanos = 0;
		for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
			if (info != null && info.getThreadName().startsWith("cloudrun-auth-")) {
				nanos += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
			}
		}
		return nanos / 1_000_000;
	}

	private static Class<?> load(String name) {
		try {
			return ClassUtils.forName(name, StartupRunner.class.getClassLoader());
		}
		catch (ClassNotFoundException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

	/**
	 * Print the bean instantiations that took the most CPU time, exclusive of the beans
	 * they caused to be created, that self time summed by the configuration class that
	 * defines the beans, and the self time of every kind of step.
	 */
	private static void report(CpuTimeApplicationStartup recorded, ConfigurableListableBeanFactory beanFactory,
			int top) {
		List<CpuTimeApplicationStartup.Step> steps = recorded.steps();
		Map<Long, Long> childTime = new HashMap<>();
		for (CpuTimeApplicationStartup.Step step : steps) {
			if (step.parentId() != null) {
				childTime.merge(step.parentId(), step.cpuNanos(), Long::sum);
			}
		}
		Map<String, Long> byStep = new HashMap<>();
		Map<String, Long> byConfig = new HashMap<>();
		Map<String, Long> byBean = new HashMap<>();
		for (CpuTimeApplicationStartup.Step step : steps) {
			long self = step.cpuNanos() - childTime.getOrDefault(step.id(), 0L);
			byStep.merge(step.name(), self, Long::sum);
			if (step.name().equals("spring.beans.instantiate")) {
				byBean.merge(String.valueOf(step.beanName()), self, Long::sum);
				byConfig.merge(definedBy(beanFactory, step.beanName()), self, Long::sum);
			}
		}
		System.out.println("SLOWEST " + sorted(byBean, top));
		System.out.println("BYCONFIG " + sorted(byConfig, 1000));
		System.out.println("STEPS " + sorted(byStep, 100));
	}

	/**
	 * Print, for every {@code Advisor} bean, the CPU time {@code AopUtils.canApply} takes
	 * over the types of all beans, once more after startup (what the auto-proxy creator
	 * did for each bean during startup, with warm caches).
	 */
	private static void advisors(ConfigurableListableBeanFactory beanFactory) {
		List<Class<?>> types = new ArrayList<>();
		for (String name : beanFactory.getBeanDefinitionNames()) {
			Class<?> type = beanFactory.getType(name, false);
			if (type != null) {
				types.add(ClassUtils.getUserClass(type));
			}
		}
		java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		Map<String, Long> byAdvisor = new HashMap<>();
		for (Map.Entry<String, org.springframework.aop.Advisor> advisor : beanFactory
			.getBeansOfType(org.springframework.aop.Advisor.class, false, false)
			.entrySet()) {
			long start = threads.getCurrentThreadCpuTime();
			int matched = 0;
			for (Class<?> type : types) {
				if (AopUtils.canApply(advisor.getValue(), type)) {
					matched++;
				}
			}
			byAdvisor.put(advisor.getKey() + "(" + matched + "/" + types.size() + ")",
					threads.getCurrentThreadCpuTime() - start);
		}
		System.out.println("ADVISORS " + sorted(byAdvisor, 100));
	}

	private static String sorted(Map<String, Long> nanos, int limit) {
		Map<String, Long> sorted = new LinkedHashMap<>();
		nanos.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Long>comparingByValue().reversed())
			.limit(limit)
			.forEach((entry) -> sorted.put(entry.getKey(), entry.getValue()));
		return sorted.entrySet()
			.stream()
			.map((entry) -> entry.getKey().replace(' ', '_') + "=" + millis(entry.getValue()))
			.collect(Collectors.joining(" "));
	}

	private static String millis(long nanos) {
		return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6);
	}

	/**
	 * The top-level configuration class whose {@code @Bean} method defines a bean (or the
	 * bean's own class, for beans of scanned or imported classes).
	 */
	private static String definedBy(ConfigurableListableBeanFactory beanFactory, String bean) {
		if (bean == null || !beanFactory.containsBeanDefinition(bean)) {
			return "(other)";
		}
		BeanDefinition definition = beanFactory.getBeanDefinition(bean);
		String factory = definition.getFactoryBeanName();
		String name;
		if (factory != null && beanFactory.containsBeanDefinition(factory)) {
			name = beanFactory.getBeanDefinition(factory).getBeanClassName();
		}
		else {
			name = definition.getBeanClassName();
		}
		if (name == null) {
			return "(unknown)";
		}
		int nested = name.indexOf('$');
		return (nested > 0) ? name.substring(0, nested) : name;
	}

	private static boolean present(String className) {
		return ClassUtils.isPresent(className, StartupRunner.class.getClassLoader());
	}

}
