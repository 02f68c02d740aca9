package dev.cloudrunauth.sample.calling;

import dev.cloudrunauth.calling.IdTokenUnavailableException;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * Calls the receiving service with a {@link RestClient} and a {@link WebClient} from
 * Spring Boot's builders. Nothing here touches tokens.
 */
@RestController
class CallingController {

	private final RestClient restClient;

	private final WebClient webClient;

	CallingController(RestClient.Builder restClient, WebClient.Builder webClient,
			@Value("${cloudrun.auth.calling.targets.receiving.url}") String receivingUrl) {
		this.restClient = restClient.baseUrl(receivingUrl).build();
		this.webClient = webClient.baseUrl(receivingUrl).build();
	}

	@GetMapping("/")
	String hello() {
		return "Response from receiving service: " + this.restClient.get().uri("/hello").retrieve().body(String.class);
	}

	@GetMapping("/reactive")
	Mono<String> helloReactive() {
		return this.webClient.get()
			.uri("/hello")
			.retrieve()
			.bodyToMono(String.class)
			.map((body) -> "Response from receiving service: " + body);
	}

	@GetMapping("/reports")
	ResponseEntity<String> reports() {
		return this.restClient.get()
			.uri("/reports")
			.exchange((request, response) -> ResponseEntity.status(response.getStatusCode())
				.body(response.bodyTo(String.class)));
	}

	@ExceptionHandler(RestClientResponseException.class)
	ResponseEntity<String> receivingRefused(RestClientResponseException ex) {
		return refused(ex.getStatusCode());
	}

	@ExceptionHandler(WebClientResponseException.class)
	ResponseEntity<String> receivingRefusedReactive(WebClientResponseException ex) {
		return refused(ex.getStatusCode());
	}

	@ExceptionHandler(IdTokenUnavailableException.class)
	ResponseEntity<String> noToken(IdTokenUnavailableException ex) {
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(ex.getMessage());
	}

	private static ResponseEntity<String> refused(HttpStatusCode status) {
		return ResponseEntity.status(status).body("The receiving service answered " + status.value());
	}

}
