package dev.cloudrunauth.sample.orders;

import java.util.List;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A user's application as in issue 15: a list of orders for any allowed caller, and their
 * deletion for one named caller only.
 */
@SpringBootApplication
class OrdersApplication {

	@RestController
	static class OrdersController {

		@GetMapping("/orders")
		List<String> orders() {
			return List.of("order-1");
		}

		@GetMapping("/orders/purge")
		@PreAuthorize("@caller.in('admin@myproj.iam.gserviceaccount.com')")
		String purge() {
			return "purged";
		}

	}

}
