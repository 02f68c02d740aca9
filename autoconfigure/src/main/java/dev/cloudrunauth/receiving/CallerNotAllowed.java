package dev.cloudrunauth.receiving;

/**
 * What a caller that may not call is told along with 403: the RFC 6750 error for a token
 * that does not suffice, and a fixed description that names neither the caller nor the
 * token.
 */
final class CallerNotAllowed {

	static final String CHALLENGE = "Bearer error=\"insufficient_scope\", "
			+ "error_description=\"The caller is not allowed to call this service\", "
			+ "error_uri=\"https://tools.ietf.org/html/rfc6750#section-3.1\"";

	private CallerNotAllowed() {
	}

}
