package dev.cloudrunauth.calling;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * A request's path as the receiving server may resolve it: each way servers differ on
 * (percent-encoded dots decoded or not, {@code ;} parameters dropped from each segment or
 * not, repeated slashes merged or not), with dot segments removed as in RFC 3986, section
 * 5.2.4.
 */
final class RequestPath {

	private static final int DECODE_DOTS = 1;

	private static final int DROP_PARAMETERS = 2;

	private static final int MERGE_SLASHES = 4;

	private final List<String> resolutions;

	private final boolean encodedSeparator;

	private RequestPath(List<String> resolutions, boolean encodedSeparator) {
		this.resolutions = resolutions;
		this.encodedSeparator = encodedSeparator;
	}

	/**
	 * Return the resolutions of a raw path.
	 * @param rawPath the path as sent, still percent-encoded
	 * @return the path
	 */
	static RequestPath of(@Nullable String rawPath) {
		String path = (rawPath != null) ? rawPath : "";
		if (path.indexOf('.') < 0 && path.indexOf(';') < 0 && path.indexOf('%') < 0 && path.indexOf('\\') < 0
				&& !path.contains("//")) {
			return new RequestPath(List.of(path), false);
		}
		int ambiguities = (containsIgnoringCase(path, "%2e") ? DECODE_DOTS : 0)
				| ((path.indexOf(';') >= 0) ? DROP_PARAMETERS : 0) | (path.contains("//") ? MERGE_SLASHES : 0);
		Set<String> resolutions = new LinkedHashSet<>();
		for (int reading = 0; reading <= ambiguities; reading++) {
			if ((reading & ~ambiguities) == 0) {
				resolutions.add(resolve(path, reading));
			}
		}
		return new RequestPath(List.copyOf(resolutions), hasEncodedSeparator(path));
	}

	/**
	 * Return whether an encoded slash or backslash makes a raw path mean different paths
	 * to different servers.
	 * @param rawPath the path, still percent-encoded
	 * @return whether it has {@code %2F}, {@code %5C} or {@code \} in it
	 */
	static boolean hasEncodedSeparator(String rawPath) {
		return rawPath.indexOf('\\') >= 0 || containsIgnoringCase(rawPath, "%2f")
				|| containsIgnoringCase(rawPath, "%5c");
	}

	/**
	 * Return whether the path is the given path or under it, on a segment boundary,
	 * however the server resolves it.
	 * @param path a resolved path without trailing slash; empty for the whole origin
	 * @return {@code true} if every resolution is under the path and, unless the path is
	 * empty, the raw path has no encoded slash or backslash
	 */
	boolean isUnder(String path) {
		if (path.isEmpty()) {
			return true;
		}
		if (this.encodedSeparator) {
			return false;
		}
		for (String resolution : this.resolutions) {
			if (!resolution.startsWith(path)
					|| (resolution.length() != path.length() && resolution.charAt(path.length()) != '/')) {
				return false;
			}
		}
		return true;
	}

	private static String resolve(String path, int reading) {
		if (path.isEmpty()) {
			return path;
		}
		String[] segments = path.split("/", -1);
		List<String> resolved = new ArrayList<>(segments.length);
		boolean endsWithSlash = false;
		for (int i = 1; i < segments.length; i++) {
			String segment = segments[i];
			boolean last = i == segments.length - 1;
			if ((reading & DROP_PARAMETERS) != 0 && segment.indexOf(';') >= 0) {
				segment = segment.substring(0, segment.indexOf(';'));
			}
			if ((reading & DECODE_DOTS) != 0) {
				segment = decodeDots(segment);
			}
			if (segment.equals(".") || segment.equals("..")) {
				if (segment.equals("..") && !resolved.isEmpty()) {
					resolved.remove(resolved.size() - 1);
				}
				endsWithSlash = last;
			}
			else if (!segment.isEmpty() || last || (reading & MERGE_SLASHES) == 0) {
				resolved.add(segment);
			}
		}
		String joined = "/" + String.join("/", resolved);
		return (endsWithSlash && !resolved.isEmpty()) ? joined + "/" : joined;
	}

	private static String decodeDots(String segment) {
		if (!containsIgnoringCase(segment, "%2e")) {
			return segment;
		}
		StringBuilder decoded = new StringBuilder(segment.length());
		for (int i = 0; i < segment.length(); i++) {
			if (segment.regionMatches(true, i, "%2e", 0, 3)) {
				decoded.append('.');
				i += 2;
			}
			else {
				decoded.append(segment.charAt(i));
			}
		}
		return decoded.toString();
	}

	private static boolean containsIgnoringCase(String text, String part) {
		for (int i = 0; i + part.length() <= text.length(); i++) {
			if (text.regionMatches(true, i, part, 0, part.length())) {
				return true;
			}
		}
		return false;
	}

}
