package dev.cloudrunauth.benchmarks.startup.allowcallers;

import dev.cloudrunauth.benchmarks.startup.StartupRunner;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The same app, its endpoint authorized with the starter's {@code @AllowCallers}. Runs
 * only with the receiving starter.
 */
@SpringBootApplication
public class AllowCallersStartupApplication {

	public static void main(String[] args) {
		StartupRunner.run(AllowCallersStartupApplication.class, args);
	}

}
