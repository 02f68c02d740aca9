package dev.cloudrunauth.receiving;

import java.util.Collections;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.util.Assert;

/**
 * {@link BearerTokenResolver} for Cloud Run: the token from
 * {@code X-Serverless-Authorization: Bearer} if present, else from
 * {@code Authorization: Bearer}; tokens in query strings or form bodies are ignored, and
 * a repeated or malformed header is rejected with 401. Requests to public paths are not
 * authenticated, so a stale token cannot make a public endpoint fail.
 */
final class CloudRunBearerTokenResolver implements BearerTokenResolver {

	private RequestMatcher publicRequests = (request) -> false;

	private boolean iapAssertions;

	@Override
	public @Nullable String resolve(HttpServletRequest request) {
		if (this.publicRequests.matches(request)
				|| (this.iapAssertions && request.getHeader(IapAssertions.HEADER) != null)) {
			return null;
		}
		return BearerTokenHeaders.resolve(
				Collections.list(request.getHeaders(BearerTokenHeaders.X_SERVERLESS_AUTHORIZATION)),
				Collections.list(request.getHeaders(BearerTokenHeaders.AUTHORIZATION)));
	}

	/**
	 * Leave requests matching the given matcher unauthenticated.
	 * @param publicRequests the public requests
	 */
	public void setPublicRequests(RequestMatcher publicRequests) {
		Assert.notNull(publicRequests, "publicRequests cannot be null");
		this.publicRequests = publicRequests;
	}

	/**
	 * Leave requests with IAP's signed header to IAP mode, which authenticates them by
	 * the assertion alone: their bearer tokens (IAP's service agent's, with its signature
	 * removed) are not resolved.
	 * @param iapAssertions whether IAP mode is on
	 */
	public void setIapAssertions(boolean iapAssertions) {
		this.iapAssertions = iapAssertions;
	}

}
