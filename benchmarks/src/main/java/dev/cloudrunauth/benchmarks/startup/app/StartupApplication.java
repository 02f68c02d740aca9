package dev.cloudrunauth.benchmarks.startup.app;

import dev.cloudrunauth.benchmarks.startup.StartupRunner;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The minimal web app of measurement 7: one {@code @RestController}, no security
 * annotation. It refers to no class of the starter or of Spring Security, so that it runs
 * on every class path, the one without any starter too.
 */
@SpringBootApplication
public class StartupApplication {

	public static void main(String[] args) {
		StartupRunner.run(StartupApplication.class, args);
	}

}
