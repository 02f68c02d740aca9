package dev.cloudrunauth.benchmarks.startup.app;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.metrics.StartupStep;

/**
 * The minimal web app of measurement 7, run in a child JVM: starts, prints how long that took, and exits. It refers to
 * no class of the starter or of Spring Security, so that it runs on a class path without them.
 */
@SpringBootApplication
public class StartupApplication {

	public static void main(String[] args) {
		long start = System.nanoTime();
		SpringApplication application = new SpringApplication(StartupApplication.class);
		application.setBannerMode(Banner.Mode.OFF);
		int top = Integer.getInteger("startup.top", 0);
		BufferingApplicationStartup steps = (top > 0) ? new BufferingApplicationStartup(100_000) : null;
		if (steps != null) {
			application.setApplicationStartup(steps);
		}
		ConfigurableApplicationContext context = application.run(args);
		long runNanos = System.nanoTime() - start;
		long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
		long cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime() / 1_000_000;
		System.out.println("STARTUP runMicros=" + (runNanos / 1000) + " uptimeMillis=" + uptime + " cpuMillis=" + cpu
				+ " securityOnClasspath="
				+ present("org.springframework.security.web.SecurityFilterChain") + " starterOnClasspath="
				+ present("dev.cloudrunauth.receiving.GoogleIdTokenDecoder") + " securityFilterChain="
				+ context.containsBean("springSecurityFilterChain") + " starterDecoder="
				+ context.containsBean("googleIdTokenDecoder") + " idTokenSource=" + context.containsBean("idTokenSource")
				+ " beans=" + context.getBeanDefinitionCount());
		if (steps != null) {
			printSlowestBeans(steps, top);
		}
		System.out.flush();
		context.close();
		System.exit(0);
	}

	/**
	 * Print the bean instantiations that took longest, exclusive of the beans they caused to be created.
	 */
	private static void printSlowestBeans(BufferingApplicationStartup steps, int top) {
		List<StartupTimeline.TimelineEvent> events = steps.getBufferedTimeline().getEvents();
		Map<Long, Long> childTime = new HashMap<>();
		for (StartupTimeline.TimelineEvent event : events) {
			Long parent = event.getStartupStep().getParentId();
			if (parent != null) {
				childTime.merge(parent, event.getDuration().toNanos(), Long::sum);
			}
		}
		List<String> lines = new ArrayList<>();
		events.stream()
			.filter((event) -> event.getStartupStep().getName().equals("spring.beans.instantiate"))
			.sorted(Comparator.comparingLong((StartupTimeline.TimelineEvent event) -> -(event.getDuration().toNanos()
					- childTime.getOrDefault(event.getStartupStep().getId(), 0L))))
			.limit(top)
			.forEach((event) -> {
				String bean = "?";
				for (StartupStep.Tag tag : event.getStartupStep().getTags()) {
					if (tag.getKey().equals("beanName")) {
						bean = tag.getValue();
					}
				}
				long self = event.getDuration().toNanos()
						- childTime.getOrDefault(event.getStartupStep().getId(), 0L);
				lines.add(bean + "=" + (self / 1_000_000) + "ms");
			});
		System.out.println("SLOWEST " + String.join(" ", lines));
	}

	private static boolean present(String className) {
		try {
			Class.forName(className, false, StartupApplication.class.getClassLoader());
			return true;
		}
		catch (ClassNotFoundException ex) {
			return false;
		}
	}

}
