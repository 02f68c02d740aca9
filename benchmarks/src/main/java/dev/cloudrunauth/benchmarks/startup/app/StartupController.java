package dev.cloudrunauth.benchmarks.startup.app;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The app's one endpoint.
 */
@RestController
class StartupController {

	@GetMapping("/hello")
	String hello() {
		return "hello";
	}

}
