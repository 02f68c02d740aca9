package dev.cloudrunauth.gateway;

import dev.cloudrunauth.calling.IdTokenHeader;

import org.springframework.http.HttpHeaders;

/**
 * The header the {@code CloudRunIdToken} filters (server-webmvc and server-webflux) put
 * the gateway's token in: {@code X-Serverless-Authorization}, which Cloud Run checks
 * first, when the client sent its own {@code Authorization} (kept) or
 * {@code X-Serverless-Authorization} (replaced, so that the client cannot choose the
 * identity the gateway calls as); {@code Authorization} otherwise.
 */
final class RouteTokenHeader {

	static final String X_SERVERLESS_AUTHORIZATION = IdTokenHeader.X_SERVERLESS_AUTHORIZATION.headerName();

	private RouteTokenHeader() {
	}

	static String of(HttpHeaders clientHeaders) {
		boolean own = clientHeaders.containsHeader(HttpHeaders.AUTHORIZATION)
				|| clientHeaders.containsHeader(X_SERVERLESS_AUTHORIZATION);
		return own ? X_SERVERLESS_AUTHORIZATION : HttpHeaders.AUTHORIZATION;
	}

}
