package dev.cloudrunauth.receiving;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;

/**
 * Where Cloud Run callers put the token: {@code X-Serverless-Authorization: Bearer} if
 * present (Cloud Run checks it first and passes {@code Authorization} through untouched),
 * else {@code Authorization: Bearer}. Never the query string or a form body.
 */
final class BearerTokenHeaders {

	static final String X_SERVERLESS_AUTHORIZATION = "X-Serverless-Authorization";

	static final String AUTHORIZATION = "Authorization";

	private static final String BEARER = "Bearer ";

	private BearerTokenHeaders() {
	}

	/**
	 * Resolve the token from the values of the two headers.
	 * @param serverless the values of {@code X-Serverless-Authorization}
	 * @param authorization the values of {@code Authorization}
	 * @return the token, or {@code null} if the request has none (an
	 * {@code Authorization} header of another scheme is not ours)
	 * @throws OAuth2AuthenticationException ({@code invalid_token}, 401) for repeated or
	 * malformed headers
	 */
	static @Nullable String resolve(List<String> serverless, List<String> authorization) {
		if (!serverless.isEmpty()) {
			return token(X_SERVERLESS_AUTHORIZATION, serverless, true);
		}
		return token(AUTHORIZATION, authorization, false);
	}

	private static @Nullable String token(String header, List<String> values, boolean mustBeBearer) {
		if (values.isEmpty()) {
			return null;
		}
		if (values.size() > 1) {
			throw new OAuth2AuthenticationException(
					BearerTokenErrors.invalidToken("Found more than one " + header + " header"));
		}
		String value = values.get(0);
		if (!mustBeBearer && !value.regionMatches(true, 0, "bearer", 0, 6)) {
			return null;
		}
		if (!value.regionMatches(true, 0, BEARER, 0, BEARER.length()) || !isToken68(value, BEARER.length())) {
			throw new OAuth2AuthenticationException(BearerTokenErrors.invalidToken("Bearer token is malformed"));
		}
		return value.substring(BEARER.length());
	}

	/**
	 * RFC 6750's {@code b64token}: at least one of {@code A-Z a-z 0-9 - . _ ~ + /}, then
	 * any number of {@code =}.
	 */
	private static boolean isToken68(String value, int start) {
		int end = value.length();
		while (end > start && value.charAt(end - 1) == '=') {
			end--;
		}
		if (end == start) {
			return false;
		}
		for (int i = start; i < end; i++) {
			char c = value.charAt(i);
			if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
					|| c == '_' || c == '~' || c == '+' || c == '/')) {
				return false;
			}
		}
		return true;
	}

}
