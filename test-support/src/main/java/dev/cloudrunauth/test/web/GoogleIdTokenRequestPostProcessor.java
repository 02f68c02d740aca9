package dev.cloudrunauth.test.web;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.springframework.web.context.support.WebApplicationContextUtils;

/**
 * A MockMvc {@link RequestPostProcessor} that adds an emulator-signed Google ID token to
 * the request, from {@link GoogleIdTokens#googleIdToken()}. The emulator is the one of
 * the MockMvc's web application context.
 */
public final class GoogleIdTokenRequestPostProcessor extends GoogleIdTokenSpec<GoogleIdTokenRequestPostProcessor>
		implements RequestPostProcessor {

	GoogleIdTokenRequestPostProcessor() {
	}

	@Override
	public MockHttpServletRequest postProcessRequest(MockHttpServletRequest request) {
		request.addHeader(headerName(),
				headerValue(WebApplicationContextUtils.getWebApplicationContext(request.getServletContext())));
		return request;
	}

}
