package dev.cloudrunauth.test.webflux;

import dev.cloudrunauth.test.autoconfigure.AutoConfigureGoogleIdentity;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.test.web.reactive.server.WebTestClient;

import static dev.cloudrunauth.test.web.GoogleIdTokenMutators.googleIdToken;

@WebFluxTest(controllers = FluxOrdersApplication.FluxOrdersController.class,
		properties = { "cloudrun.auth.receiving.audiences=https://orders-123456789012.us-central1.run.app",
				"cloudrun.auth.receiving.allowed-callers=billing@myproj.iam.gserviceaccount.com" })
@AutoConfigureGoogleIdentity
class GoogleIdTokenWebFluxSliceTests {

	private static final String BILLING = "billing@myproj.iam.gserviceaccount.com";

	@Autowired
	WebTestClient client;

	@Test
	void allowedCallerGetsInWithARealToken() {
		this.client.mutateWith(googleIdToken().caller(BILLING))
			.get()
			.uri("/orders")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.isEqualTo("orders for " + BILLING);
		this.client.mutateWith(googleIdToken().caller(BILLING).serverless())
			.get()
			.uri("/orders")
			.exchange()
			.expectStatus()
			.isOk();
	}

	@Test
	void otherCallersAre403AndBadTokens401() {
		this.client.mutateWith(googleIdToken().caller("other@myproj.iam.gserviceaccount.com"))
			.get()
			.uri("/orders")
			.exchange()
			.expectStatus()
			.isForbidden();
		this.client.get().uri("/orders").exchange().expectStatus().isUnauthorized();
		this.client.mutateWith(googleIdToken().caller(BILLING).expired())
			.get()
			.uri("/orders")
			.exchange()
			.expectStatus()
			.isUnauthorized();
	}

}
