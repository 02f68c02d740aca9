package com.example.orders;

import java.util.List;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

@SpringBootApplication
public class OrdersApplication {

	public static void main(String[] args) {
		SpringApplication.run(OrdersApplication.class, args);
	}

	@RestController
	static class OrdersController {

		@GetMapping("/orders")
		List<String> orders() {
			return List.of("order-1");
		}

		@PostMapping("/orders/purge")
		@PreAuthorize("@caller.in('ops@myproj.iam.gserviceaccount.com')")
		String purge() {
			return "purged";
		}

	}

}
