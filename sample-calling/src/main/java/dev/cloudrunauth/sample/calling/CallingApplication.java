package dev.cloudrunauth.sample.calling;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The calling service: public, it calls the receiving service with plain HTTP clients. The starter adds the ID
 * token to those calls because the receiving service is a target in {@code application.yml}.
 */
@SpringBootApplication
public class CallingApplication {

	public static void main(String[] args) {
		SpringApplication.run(CallingApplication.class, args);
	}

	/**
	 * This service is public, like the calling service of Google's tutorial; it receives no service-to-service calls
	 * ({@code cloudrun.auth.receiving.enabled: false}).
	 */
	@Bean
	SecurityFilterChain publicAccess(HttpSecurity http) {
		return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll()).build();
	}

}
