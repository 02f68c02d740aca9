package dev.cloudrunauth.test.webflux;

import reactor.core.publisher.Mono;

import dev.cloudrunauth.receiving.AllowCallers;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@SpringBootConfiguration
class FluxOrdersApplication {

	@RestController
	static class FluxOrdersController {

		@GetMapping("/orders")
		Mono<String> orders(Authentication caller) {
			return Mono.just("orders for " + caller.getName());
		}

		@GetMapping("/orders/purge")
		@AllowCallers("admin@myproj.iam.gserviceaccount.com")
		Mono<String> purge() {
			return Mono.just("purged");
		}

		@GetMapping("/orders/refunds")
		@PreAuthorize("authentication.name == 'admin@myproj.iam.gserviceaccount.com'")
		Mono<String> refunds() {
			return Mono.just("refunded");
		}

	}

}
