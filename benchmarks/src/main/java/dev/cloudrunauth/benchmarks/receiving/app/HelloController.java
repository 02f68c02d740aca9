package dev.cloudrunauth.benchmarks.receiving.app;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The endpoint under load.
 */
@RestController
class HelloController {

	@GetMapping("/hello")
	String hello() {
		return "hello";
	}

}
