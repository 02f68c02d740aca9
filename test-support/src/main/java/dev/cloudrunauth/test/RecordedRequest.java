package dev.cloudrunauth.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.sun.net.httpserver.HttpExchange;

import org.jspecify.annotations.Nullable;

/**
 * A request as a {@link LoopbackServer} received it. Header values, tokens among them,
 * are kept, but {@link #toString()} shows header names only, so that a failed assertion
 * does not print a credential.
 *
 * @param method the method, such as {@code GET}
 * @param uri the request URI: path and query, as sent
 * @param headers the headers, names in lower case
 * @param body the first {@link #MAX_RETAINED_BODY} bytes of the body, as UTF-8
 * @param bodyLength the length of the whole body
 * @param receivedAt when the request arrived
 */
public record RecordedRequest(String method, URI uri, Map<String, List<String>> headers, String body, long bodyLength,
		Instant receivedAt) {

	/**
	 * How much of a body is kept for {@link #body()}; {@link #bodyLength()} counts all of
	 * it, so that bodies larger than the heap can be sent.
	 */
	public static final int MAX_RETAINED_BODY = 64 * 1024;

	/**
	 * Return the decoded path.
	 * @return the path, such as {@code /hello}
	 */
	public String path() {
		return this.uri.getPath();
	}

	/**
	 * Return the first value of a header.
	 * @param name the header name, in any case
	 * @return the value, or {@code null} without the header
	 */
	public @Nullable String header(String name) {
		List<String> values = this.headers.get(name.toLowerCase());
		return (values != null) ? values.get(0) : null;
	}

	/**
	 * Return every value of a header.
	 * @param name the header name, in any case
	 * @return the values, empty without the header
	 */
	public List<String> headers(String name) {
		return this.headers.getOrDefault(name.toLowerCase(), List.of());
	}

	/**
	 * Return the token of a {@code Bearer} header.
	 * @param name the header, such as {@code Authorization}
	 * @return the token
	 * @throws AssertionError if the header carries no bearer token
	 */
	public String bearerToken(String name) {
		String value = header(name);
		if (value == null || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
			throw new AssertionError("No bearer token in " + name + ": " + this.headers.keySet());
		}
		return value.substring(7).trim();
	}

	/**
	 * Return whether {@link #body()} is the whole body.
	 * @return {@code false} if the body was longer than {@link #MAX_RETAINED_BODY}
	 */
	public boolean bodyComplete() {
		return this.bodyLength <= MAX_RETAINED_BODY;
	}

	@Override
	public String toString() {
		return this.method + " " + path() + " " + this.headers.keySet();
	}

	static RecordedRequest read(HttpExchange exchange) throws IOException {
		Instant receivedAt = Instant.now();
		Map<String, List<String>> headers = new LinkedHashMap<>();
		exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), List.copyOf(values)));
		try (InputStream in = exchange.getRequestBody()) {
			int first = in.read();
			// most requests have no body: then no buffer at all, which a server under
			// load would allocate per request
			byte[] retained = (first != -1) ? retain(first, in) : new byte[0];
			long length = (first != -1) ? retained.length + in.transferTo(OutputStream.nullOutputStream()) : 0;
			return new RecordedRequest(exchange.getRequestMethod(), exchange.getRequestURI(), Map.copyOf(headers),
					new String(retained, StandardCharsets.UTF_8), length, receivedAt);
		}
	}

	private static byte[] retain(int first, InputStream in) throws IOException {
		byte[] rest = in.readNBytes(MAX_RETAINED_BODY - 1);
		byte[] retained = new byte[rest.length + 1];
		retained[0] = (byte) first;
		System.arraycopy(rest, 0, retained, 1, rest.length);
		return retained;
	}

}
