package dev.cloudrunauth.test.webflux;

import dev.cloudrunauth.test.autoconfigure.AutoConfigureGoogleIdentity;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.test.web.reactive.server.WebTestClient;

import static dev.cloudrunauth.test.web.GoogleIdTokenMutators.googleIdToken;

/**
 * Method rules in a {@code @WebFluxTest} slice: {@code @AllowCallers} and
 * {@code @PreAuthorize} on reactive controller methods decide on the caller of a real
 * token, after the service-wide allowed callers let both callers in.
 */
@WebFluxTest(controllers = FluxOrdersApplication.FluxOrdersController.class,
		properties = { "cloudrun.auth.receiving.audiences=https://orders-123456789012.us-central1.run.app",
				"cloudrun.auth.receiving.allowed-callers=*@myproj.iam.gserviceaccount.com" })
@AutoConfigureGoogleIdentity
class GoogleIdTokenWebFluxMethodSecurityTests {

	private static final String ADMIN = "admin@myproj.iam.gserviceaccount.com";

	private static final String BILLING = "billing@myproj.iam.gserviceaccount.com";

	@Autowired
	WebTestClient client;

	@ParameterizedTest
	@ValueSource(strings = { "/orders/purge", "/orders/refunds" })
	void namedCallerIsAllowedAndAnotherAllowedCallerForbidden(String path) {
		this.client.mutateWith(googleIdToken().caller(ADMIN)).get().uri(path).exchange().expectStatus().isOk();
		this.client.mutateWith(googleIdToken().caller(BILLING)).get().uri(path).exchange().expectStatus().isForbidden();
		this.client.mutateWith(googleIdToken().caller(BILLING).claim("email", ADMIN))
			.get()
			.uri(path)
			.exchange()
			.expectStatus()
			.isOk();
		this.client.get().uri(path).exchange().expectStatus().isUnauthorized();
		this.client.get().uri("/orders").exchange().expectStatus().isUnauthorized();
		this.client.mutateWith(googleIdToken().caller(BILLING)).get().uri("/orders").exchange().expectStatus().isOk();
	}

}
