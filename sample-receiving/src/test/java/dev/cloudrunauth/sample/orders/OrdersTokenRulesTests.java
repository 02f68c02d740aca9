package dev.cloudrunauth.sample.orders;

import java.time.Instant;

import dev.cloudrunauth.test.LoggedTokens;
import dev.cloudrunauth.test.autoconfigure.AutoConfigureGoogleIdentity;
import dev.cloudrunauth.test.web.GoogleIdTokenRequestPostProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import static dev.cloudrunauth.test.web.GoogleIdTokens.googleIdToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * {@code googleIdToken()}'s claim and header changes go through the real decoder: every
 * rule they break is a 401 that echoes nothing of the token, and an {@code email} change
 * changes the principal that the caller rules decide on.
 */
@SpringBootTest(properties = { "cloudrun.auth.receiving.audiences=https://orders-123456789012.us-central1.run.app",
		"cloudrun.auth.receiving.allowed-callers=*@myproj.iam.gserviceaccount.com" })
@AutoConfigureMockMvc
@AutoConfigureGoogleIdentity
@ExtendWith(OutputCaptureExtension.class)
class OrdersTokenRulesTests {

	private static final String BILLING = "billing@myproj.iam.gserviceaccount.com";

	private static final String ADMIN = "admin@myproj.iam.gserviceaccount.com";

	@Autowired
	MockMvc mvc;

	@Test
	void claimsThatBreakARuleAre401WithoutAnEcho(CapturedOutput output) throws Exception {
		assertUnauthorized(googleIdToken().caller(BILLING).claim("email_verified", false));
		assertUnauthorized(googleIdToken().caller(BILLING).claim("email_verified", "true"));
		assertUnauthorized(googleIdToken().caller(BILLING).claim("iss", "https://evil.example"));
		assertUnauthorized(googleIdToken().caller(BILLING).issuer("https://evil.example"));
		assertUnauthorized(googleIdToken().caller(BILLING).audience("https://other.example"));
		assertUnauthorized(googleIdToken().caller(BILLING).expired());
		assertUnauthorized(
				googleIdToken().caller(BILLING).claim("exp", Instant.now().minusSeconds(3600).getEpochSecond()));
		assertThat(LoggedTokens.find(output.getAll())).isEmpty();
	}

	@Test
	void joseHeadersThatBreakARuleAre401WithoutAnEcho(CapturedOutput output) throws Exception {
		assertUnauthorized(googleIdToken().caller(BILLING).header("kid", "unknown"));
		// an RS256 signature under an HS256 or none header: algorithm confusion
		assertUnauthorized(googleIdToken().caller(BILLING).header("alg", "HS256"));
		assertUnauthorized(googleIdToken().caller(BILLING).header("alg", "none"));
		assertThat(LoggedTokens.find(output.getAll())).isEmpty();
	}

	@Test
	void theEmailClaimIsThePrincipalOfTheCallerRules() throws Exception {
		this.mvc.perform(get("/orders/purge").with(googleIdToken().caller(BILLING))).andExpect(status().isForbidden());
		this.mvc.perform(get("/orders/purge").with(googleIdToken().caller(BILLING).claim("email", ADMIN)))
			.andExpect(status().isOk())
			.andExpect(content().string("purged"));
		this.mvc.perform(get("/orders/purge").with(googleIdToken().caller(ADMIN).claim("email", BILLING)))
			.andExpect(status().isForbidden());
		this.mvc
			.perform(get("/orders")
				.with(googleIdToken().caller(BILLING).claim("email", "billing@other.iam.gserviceaccount.com")))
			.andExpect(status().isForbidden());
	}

	@Test
	void azpIsNotThePrincipal() throws Exception {
		// azp is the numeric id in some genuine tokens and the email in others
		this.mvc.perform(get("/orders/purge").with(googleIdToken().caller(BILLING).claim("azp", ADMIN)))
			.andExpect(status().isForbidden());
		this.mvc.perform(get("/orders/purge").with(googleIdToken().caller(ADMIN).claim("azp", ADMIN)))
			.andExpect(status().isOk());
	}

	private void assertUnauthorized(GoogleIdTokenRequestPostProcessor token) throws Exception {
		MvcResult result = this.mvc.perform(get("/orders").with(token))
			.andExpect(status().isUnauthorized())
			.andReturn();
		String sent = result.getRequest().getHeader("Authorization").substring("Bearer ".length());
		MockHttpServletResponse response = result.getResponse();
		StringBuilder echoed = new StringBuilder(response.getContentAsString());
		response.getHeaderNames().forEach((name) -> response.getHeaders(name).forEach(echoed::append));
		assertThat(echoed.toString()).doesNotContain(sent);
		for (String part : sent.split("\\.")) {
			assertThat(echoed.toString()).doesNotContain(part);
		}
		assertThat(LoggedTokens.find(echoed)).isEmpty();
	}

}
