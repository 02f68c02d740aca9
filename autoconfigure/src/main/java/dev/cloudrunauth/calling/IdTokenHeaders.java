package dev.cloudrunauth.calling;

import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;

/**
 * Which header carries the token on a request that may already have credentials of its
 * own, and the header value.
 */
final class IdTokenHeaders {

	private static final Log logger = LogFactory.getLog(IdTokenHeaders.class);

	private static final String X_SERVERLESS_AUTHORIZATION = IdTokenHeader.X_SERVERLESS_AUTHORIZATION.headerName();

	private final IdTokenSource source;

	private final @Nullable IdTokenCaches caches;

	private final BearerHeaderValues values = new BearerHeaderValues();

	/**
	 * Create headers for calls to targets.
	 * @param source where tokens come from
	 * @param targets the targets
	 * @throws IllegalStateException if a target has an identity of its own that the
	 * source cannot mint as, rather than calling it as another
	 */
	IdTokenHeaders(IdTokenSource source, CallingTargets targets) {
		this.source = source;
		this.caches = (source instanceof GoogleIdTokenSource google) ? google.caches() : null;
		for (CallingTarget target : targets.asList()) {
			if (target.identity() != null && (this.caches == null || !this.caches.mintsAs(target.identity()))) {
				throw new IllegalStateException("Target '" + target.getName() + "' is to be called as "
						+ target.identity() + " (cloudrun.auth.calling.targets." + target.getName()
						+ ".impersonate-service-account), but the IdTokenSource, a " + source.getClass().getName()
						+ ", was not built for it: only the auto-configured GoogleIdTokenSource mints as targets' "
						+ "own service accounts");
			}
		}
	}

	/**
	 * Return a token for a call to a target, minted as the target's identity.
	 * @param target the target
	 * @return the token
	 * @throws IdTokenUnavailableException if no valid token can be had
	 */
	String token(CallingTarget target) {
		return (this.caches != null) ? this.caches.forTarget(target).token(target.getAudience())
				: this.source.token(target.getAudience());
	}

	/**
	 * Return a token for a call to a target, minted as the target's identity, without
	 * blocking.
	 * @param target the target
	 * @return a future completed with the token, or exceptionally with an
	 * {@link IdTokenUnavailableException}
	 */
	CompletableFuture<String> tokenAsync(CallingTarget target) {
		return (this.caches != null) ? this.caches.forTarget(target).tokenAsync(target.getAudience())
				: this.source.tokenAsync(target.getAudience());
	}

	/**
	 * Add a token to the headers of a request to a target, waiting for one to be minted
	 * if none is cached, unless {@link #choose} says the request carries its own.
	 * @param target the target
	 * @param headers the request's headers, with those the application set
	 * @throws IdTokenUnavailableException naming the target, if no valid token can be had
	 */
	void addToken(CallingTarget target, HttpHeaders headers) {
		IdTokenHeader header = choose(target, headers::containsHeader);
		if (header != null) {
			String token;
			try {
				token = token(target);
			}
			catch (IdTokenUnavailableException ex) {
				throw ex.forTarget(target.getName());
			}
			headers.set(header.headerName(), headerValue(target, token));
		}
	}

	/**
	 * Return the value of the header that carries a token.
	 * @param target the target the token is for
	 * @param token the token
	 * @return {@code Bearer TOKEN}
	 */
	String headerValue(CallingTarget target, String token) {
		// by target: targets of one audience may have different identities
		return this.values.headerValue(target.getName(), token);
	}

	/**
	 * Choose the target's header, except that an {@code Authorization} header the
	 * application set itself is kept and the token goes in
	 * {@code X-Serverless-Authorization}, which Cloud Run checks first; a request that
	 * already has {@code X-Serverless-Authorization} (typically forwarded from an
	 * incoming request) gets none, because Cloud Run would check that one and ignore the
	 * token, which is logged once per target.
	 * @param target the target
	 * @param present whether the request already has a header
	 * @return the header for the token, or {@code null} if the request already carries
	 * its own
	 */
	static @Nullable IdTokenHeader choose(CallingTarget target, Predicate<String> present) {
		if (present.test(X_SERVERLESS_AUTHORIZATION)) {
			reportOwnXServerlessAuthorization(target);
			return null;
		}
		IdTokenHeader preferred = target.getHeader();
		if (preferred == IdTokenHeader.AUTHORIZATION && present.test(preferred.headerName())) {
			return IdTokenHeader.X_SERVERLESS_AUTHORIZATION;
		}
		return preferred;
	}

	private static void reportOwnXServerlessAuthorization(CallingTarget target) {
		// the value is the application's credential, or another caller's: only the
		// header's name is logged
		if (target.firstOwnXServerlessAuthorization()) {
			logger.warn("Call to target '" + target.getName() + "' already carries " + X_SERVERLESS_AUTHORIZATION
					+ ", which Cloud Run checks instead of any token added, so no ID token was added and that "
					+ "header decides who is calling; if it was forwarded from an incoming request, remove it to "
					+ "call as this service (logged once per target)");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Call to target '" + target.getName() + "' already carries " + X_SERVERLESS_AUTHORIZATION
					+ "; adding no ID token");
		}
	}

}
