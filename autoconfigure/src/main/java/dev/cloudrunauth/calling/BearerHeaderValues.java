package dev.cloudrunauth.calling;

import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code "Bearer " + token}, built once per token rather than once per request: a token
 * is about 1 KB and is reused for most of an hour. One entry per audience, so the size is
 * bounded by the configured targets.
 */
final class BearerHeaderValues {

	private final ConcurrentHashMap<String, Entry> byAudience = new ConcurrentHashMap<>();

	String headerValue(String audience, String token) {
		Entry entry = this.byAudience.get(audience);
		if (entry != null && entry.token() == token) {
			return entry.value();
		}
		String value = "Bearer " + token;
		this.byAudience.put(audience, new Entry(token, value));
		return value;
	}

	private record Entry(String token, String value) {

		@Override
		public String toString() {
			return "Entry[token=<redacted>]";
		}

	}

}
