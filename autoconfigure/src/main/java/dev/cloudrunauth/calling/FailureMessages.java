package dev.cloudrunauth.calling;

import java.util.regex.Pattern;

/**
 * Failure messages with anything shaped like a JWS cut out: a credential library's
 * message may quote what a server answered, and it ends up in logs, health details,
 * exception messages and observations.
 */
final class FailureMessages {

	/**
	 * A header that starts with the base64url of <code>{"</code>, then claims and a
	 * signature (or what is left of them); host names and URLs do not look like this.
	 */
	private static final Pattern JWS_SHAPED = Pattern.compile("eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]*)?");

	static final String REMOVED = "[token removed]";

	private FailureMessages() {
	}

	static String of(Throwable failure) {
		return redact(String.valueOf(failure.getMessage()));
	}

	static String redact(String text) {
		return JWS_SHAPED.matcher(text).replaceAll(REMOVED);
	}

}
