package dev.cloudrunauth.test.webflux;

import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
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

	}

}
