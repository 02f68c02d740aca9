package dev.cloudrunauth.benchmarks.startup.allowcallers;

import dev.cloudrunauth.receiving.AllowCallers;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The app's one endpoint, for one caller.
 */
@RestController
class AllowCallersController {

	@GetMapping("/hello")
	@AllowCallers("caller@startup-project.iam.gserviceaccount.com")
	String hello() {
		return "hello";
	}

}
