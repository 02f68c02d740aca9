package dev.cloudrunauth.test.webflux;

import java.nio.charset.StandardCharsets;

import dev.cloudrunauth.test.LoggedTokens;
import dev.cloudrunauth.test.autoconfigure.AutoConfigureGoogleIdentity;
import dev.cloudrunauth.test.web.GoogleIdTokenMutator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static dev.cloudrunauth.test.web.GoogleIdTokenMutators.googleIdToken;
import static org.assertj.core.api.Assertions.assertThat;

@WebFluxTest(controllers = FluxOrdersApplication.FluxOrdersController.class,
		properties = { "cloudrun.auth.receiving.audiences=https://orders-123456789012.us-central1.run.app",
				"cloudrun.auth.receiving.allowed-callers=billing@myproj.iam.gserviceaccount.com" })
@AutoConfigureGoogleIdentity
@ExtendWith(OutputCaptureExtension.class)
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

	@Test
	void claimsAndHeadersThatBreakARuleAre401WithoutAnEcho(CapturedOutput output) {
		assertUnauthorized(googleIdToken().caller(BILLING).claim("email_verified", false));
		assertUnauthorized(googleIdToken().caller(BILLING).issuer("https://evil.example"));
		assertUnauthorized(googleIdToken().caller(BILLING).audience("https://other.example"));
		assertUnauthorized(googleIdToken().caller(BILLING).header("kid", "unknown"));
		assertUnauthorized(googleIdToken().caller(BILLING).header("alg", "HS256"));
		assertUnauthorized(googleIdToken().caller(BILLING).expired().serverless());
		assertThat(LoggedTokens.find(output.getAll())).isEmpty();
	}

	@Test
	void theEmailClaimIsTheCaller() {
		this.client.mutateWith(googleIdToken().caller("other@myproj.iam.gserviceaccount.com").claim("email", BILLING))
			.get()
			.uri("/orders")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.isEqualTo("orders for " + BILLING);
		this.client.mutateWith(googleIdToken().caller(BILLING).claim("email", "other@myproj.iam.gserviceaccount.com"))
			.get()
			.uri("/orders")
			.exchange()
			.expectStatus()
			.isForbidden();
	}

	private void assertUnauthorized(GoogleIdTokenMutator token) {
		EntityExchangeResult<byte[]> result = this.client.mutateWith(token)
			.get()
			.uri("/orders")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectBody()
			.returnResult();
		StringBuilder echoed = new StringBuilder();
		if (result.getResponseBody() != null) {
			echoed.append(new String(result.getResponseBody(), StandardCharsets.UTF_8));
		}
		result.getResponseHeaders().forEach((name, values) -> values.forEach(echoed::append));
		assertThat(LoggedTokens.find(echoed)).isEmpty();
	}

}
