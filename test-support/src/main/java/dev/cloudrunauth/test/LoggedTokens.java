package dev.cloudrunauth.test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds what looks like a credential in log output: any segment of a JWT (base64url JSON,
 * {@code eyJ...}) and any Google access token ({@code ya29....}). Used to prove that no
 * token value is ever logged.
 */
public final class LoggedTokens {

	private static final Pattern CREDENTIAL = Pattern.compile("eyJ[A-Za-z0-9_-]{16,}|ya29\\.[A-Za-z0-9_.-]{8,}");

	private LoggedTokens() {
	}

	/**
	 * Return everything in the text that looks like a token or part of one.
	 * @param text log output
	 * @return the suspicious strings, each shortened to its first 24 characters so that
	 * reporting them does not log them again
	 */
	public static List<String> find(CharSequence text) {
		List<String> found = new ArrayList<>();
		Matcher matcher = CREDENTIAL.matcher(text);
		while (matcher.find()) {
			String match = matcher.group();
			found.add(match.substring(0, Math.min(24, match.length())) + "...");
		}
		return found;
	}

}
