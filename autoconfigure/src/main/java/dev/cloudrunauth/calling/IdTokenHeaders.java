package dev.cloudrunauth.calling;

import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * Which header carries the token on a request that may already have credentials of its own.
 */
final class IdTokenHeaders {

	private IdTokenHeaders() {
	}

	/**
	 * Choose the target's header, except that an {@code Authorization} header the application set itself is kept and
	 * the token goes in {@code X-Serverless-Authorization}, which Cloud Run checks first.
	 * @param target the target
	 * @param present whether the request already has a header
	 * @return the header for the token, or {@code null} if the request already carries its own
	 */
	static @Nullable IdTokenHeader choose(CallingTarget target, Predicate<String> present) {
		IdTokenHeader preferred = target.getHeader();
		if (!present.test(preferred.headerName())) {
			return preferred;
		}
		if (preferred == IdTokenHeader.AUTHORIZATION
				&& !present.test(IdTokenHeader.X_SERVERLESS_AUTHORIZATION.headerName())) {
			return IdTokenHeader.X_SERVERLESS_AUTHORIZATION;
		}
		return null;
	}

}
