package dev.cloudrunauth.sample.receiving;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Sample receiving service.
 */
@SpringBootApplication
public class ReceivingApplication {

	public static void main(String[] args) {
		SpringApplication.run(ReceivingApplication.class, args);
	}

}
