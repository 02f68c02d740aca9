package dev.cloudrunauth.sample.orders;

import dev.cloudrunauth.test.autoconfigure.AutoConfigureGoogleIdentity;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.test.web.servlet.MockMvc;

import static dev.cloudrunauth.test.web.GoogleIdTokens.googleIdToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@WebMvcTest(controllers = OrdersApplication.OrdersController.class,
		properties = { "cloudrun.auth.receiving.audiences=https://orders-123456789012.us-central1.run.app",
				"cloudrun.auth.receiving.allowed-callers=*@myproj.iam.gserviceaccount.com" })
@AutoConfigureGoogleIdentity
class OrdersSliceTests {

	@Autowired
	MockMvc mvc;

	@Autowired
	GoogleIdentityEmulator emulator;

	@Test
	void sliceVerifiesTokensWithTheRealDecoderAndKeysFromTheEmulator() throws Exception {
		this.mvc.perform(get("/orders").with(googleIdToken().caller("billing@myproj.iam.gserviceaccount.com")))
			.andExpect(status().isOk());
		this.mvc.perform(get("/orders").with(googleIdToken().caller("billing@other.iam.gserviceaccount.com")))
			.andExpect(status().isForbidden());
		this.mvc.perform(get("/orders").with(googleIdToken().header("kid", "unknown")))
			.andExpect(status().isUnauthorized());
		assertThat(this.emulator.jwksFetches()).isPositive();
	}

	@Test
	void methodRulesApplyInTheSlice() throws Exception {
		this.mvc.perform(get("/orders/purge").with(googleIdToken().caller("admin@myproj.iam.gserviceaccount.com")))
			.andExpect(status().isOk());
		this.mvc.perform(get("/orders/purge").with(googleIdToken().caller("billing@myproj.iam.gserviceaccount.com")))
			.andExpect(status().isForbidden());
	}

}
