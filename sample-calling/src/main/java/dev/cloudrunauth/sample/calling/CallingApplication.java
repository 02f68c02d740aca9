package dev.cloudrunauth.sample.calling;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Sample calling service.
 */
@SpringBootApplication
public class CallingApplication {

	public static void main(String[] args) {
		SpringApplication.run(CallingApplication.class, args);
	}

}
