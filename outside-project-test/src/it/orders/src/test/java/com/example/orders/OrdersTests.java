package com.example.orders;

import dev.cloudrunauth.test.autoconfigure.AutoConfigureGoogleIdentity;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;

import static dev.cloudrunauth.test.web.GoogleIdTokens.googleIdToken;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

// issue 15's test as a user writes it, in a project of the user's own
@SpringBootTest(properties = { "cloudrun.auth.receiving.audiences=https://orders-123456789012.us-central1.run.app",
		"cloudrun.auth.receiving.allowed-callers=billing@myproj.iam.gserviceaccount.com,ops@myproj.iam.gserviceaccount.com" })
@AutoConfigureMockMvc
@AutoConfigureGoogleIdentity
class OrdersTests {

	@Autowired
	MockMvc mvc;

	@Test
	void billingMayList() throws Exception {
		mvc.perform(get("/orders").with(googleIdToken().caller("billing@myproj.iam.gserviceaccount.com")))
			.andExpect(status().isOk());
	}

	@Test
	void othersAreForbiddenAndBadTokensUnauthorized() throws Exception {
		mvc.perform(get("/orders").with(googleIdToken().caller("other@myproj.iam.gserviceaccount.com")))
			.andExpect(status().isForbidden());
		mvc.perform(get("/orders")).andExpect(status().isUnauthorized());
		mvc.perform(get("/orders").with(googleIdToken().caller("billing@myproj.iam.gserviceaccount.com").expired()))
			.andExpect(status().isUnauthorized());
	}

	@Test
	void preAuthorizeNamesWhoMayPurge() throws Exception {
		mvc.perform(post("/orders/purge").with(googleIdToken().caller("billing@myproj.iam.gserviceaccount.com")))
			.andExpect(status().isForbidden());
		mvc.perform(post("/orders/purge").with(googleIdToken().caller("ops@myproj.iam.gserviceaccount.com")))
			.andExpect(status().isOk());
	}

}
