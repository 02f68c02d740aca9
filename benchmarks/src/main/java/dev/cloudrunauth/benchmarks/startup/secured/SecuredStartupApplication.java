package dev.cloudrunauth.benchmarks.startup.secured;

import dev.cloudrunauth.benchmarks.startup.StartupRunner;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The same app as {@code startup.app.StartupApplication}, but its endpoint is authorized
 * per method with {@code @PreAuthorize}. The receiving starter enables method security
 * for it; a hand configuration adds {@code handsecurity.HandMethodSecurity}
 * ({@code @EnableMethodSecurity}) as a source.
 */
@SpringBootApplication
public class SecuredStartupApplication {

	public static void main(String[] args) {
		StartupRunner.run(SecuredStartupApplication.class, args);
	}

}
