package dev.cloudrunauth.receiving;

import org.jspecify.annotations.Nullable;

/**
 * What counts as an email here. Google's service account and Workspace addresses are
 * ASCII, so anything else is refused, and case is folded for ASCII letters only:
 * {@code String.equalsIgnoreCase} and {@code toLowerCase(Locale.ROOT)} fold other letters
 * too (U+212A KELVIN SIGN to {@code k}), which would let a token spelled with them match
 * an allowed address.
 */
final class Emails {

	private Emails() {
	}

	/**
	 * Return whether a value is an ASCII email address: one {@code @}, a non-empty local
	 * part of printable characters other than {@code @}, {@code *} and quotes, and a
	 * domain of letters, digits, hyphens and inner dots.
	 * @param value the value
	 * @return {@code true} if it is an address
	 */
	static boolean isAddress(@Nullable String value) {
		if (value == null) {
			return false;
		}
		int at = value.indexOf('@');
		return at > 0 && value.indexOf('@', at + 1) < 0 && isLocalPart(value, 0, at)
				&& isDomain(value, at + 1, value.length());
	}

	/**
	 * Return whether a value is a domain such as
	 * {@code my-project.iam.gserviceaccount.com}.
	 * @param value the value
	 * @return {@code true} if it is a domain
	 */
	static boolean isDomain(String value) {
		return isDomain(value, 0, value.length());
	}

	/**
	 * Lower-case ASCII letters only.
	 * @param value an ASCII value
	 * @return the value with {@code A-Z} folded to {@code a-z}
	 */
	static String foldCase(String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c >= 'A' && c <= 'Z') {
				char[] chars = value.toCharArray();
				for (int j = i; j < chars.length; j++) {
					if (chars[j] >= 'A' && chars[j] <= 'Z') {
						chars[j] = (char) (chars[j] + ('a' - 'A'));
					}
				}
				return new String(chars);
			}
		}
		return value;
	}

	private static boolean isLocalPart(String value, int start, int end) {
		for (int i = start; i < end; i++) {
			char c = value.charAt(i);
			if (c <= ' ' || c >= 0x7f || c == '@' || c == '*' || c == '"' || c == '\\') {
				return false;
			}
		}
		return end > start;
	}

	private static boolean isDomain(String value, int start, int end) {
		if (end <= start || value.charAt(start) == '.' || value.charAt(end - 1) == '.') {
			return false;
		}
		for (int i = start; i < end; i++) {
			char c = value.charAt(i);
			boolean letterOrDigit = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
			if (!letterOrDigit && c != '-' && !(c == '.' && value.charAt(i - 1) != '.')) {
				return false;
			}
		}
		return true;
	}

}
