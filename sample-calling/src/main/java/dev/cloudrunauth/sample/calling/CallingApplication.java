package dev.cloudrunauth.sample.calling;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The calling service: public, it calls the receiving service with plain HTTP clients.
 * The calling starter adds the ID token to those calls because the receiving service is a
 * target in {@code application.yml}; it brings no Spring Security, so this service's own
 * endpoints stay open, like those of the calling service of Google's tutorial.
 */
@SpringBootApplication
public class CallingApplication {

	public static void main(String[] args) {
		SpringApplication.run(CallingApplication.class, args);
	}

}
