package dev.cloudrunauth.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import com.sun.net.httpserver.HttpExchange;

/**
 * What a {@link LoopbackServer} answers: a status, headers and a body. Immutable; each
 * {@code with} method returns a new response.
 */
public final class LoopbackResponse {

	private final int status;

	private final Map<String, String> headers;

	private final byte[] body;

	private LoopbackResponse(int status, Map<String, String> headers, byte[] body) {
		this.status = status;
		this.headers = headers;
		this.body = body;
	}

	/**
	 * Return a response with the given status, no headers and no body.
	 * @param status the HTTP status
	 * @return the response
	 */
	public static LoopbackResponse status(int status) {
		if (status < 100 || status > 599) {
			throw new IllegalArgumentException("status must be between 100 and 599, got " + status);
		}
		return new LoopbackResponse(status, Map.of(), new byte[0]);
	}

	/**
	 * Return a {@code text/plain} response.
	 * @param status the HTTP status
	 * @param body the body
	 * @return the response
	 */
	public static LoopbackResponse text(int status, String body) {
		return status(status).withBody("text/plain; charset=UTF-8", body);
	}

	/**
	 * Return an {@code application/json} response.
	 * @param status the HTTP status
	 * @param json the body
	 * @return the response
	 */
	public static LoopbackResponse json(int status, String json) {
		return status(status).withBody("application/json; charset=UTF-8", json);
	}

	/**
	 * Return this response with a header set, replacing one of the same name.
	 * @param name the header name
	 * @param value its value
	 * @return a new response
	 */
	public LoopbackResponse withHeader(String name, String value) {
		Map<String, String> headers = new LinkedHashMap<>(this.headers);
		headers.put(name, Objects.requireNonNull(value, "value cannot be null"));
		return new LoopbackResponse(this.status, headers, this.body);
	}

	/**
	 * Return this response with the given body and {@code Content-Type}.
	 * @param contentType the content type
	 * @param body the body, written as UTF-8
	 * @return a new response
	 */
	public LoopbackResponse withBody(String contentType, String body) {
		return withBody(contentType, body.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Return this response with the given body and {@code Content-Type}.
	 * @param contentType the content type
	 * @param body the body
	 * @return a new response
	 */
	public LoopbackResponse withBody(String contentType, byte[] body) {
		LoopbackResponse typed = withHeader("Content-Type", contentType);
		return new LoopbackResponse(this.status, typed.headers, body.clone());
	}

	/**
	 * Return the status.
	 * @return the HTTP status
	 */
	public int status() {
		return this.status;
	}

	/**
	 * Return the headers.
	 * @return the headers, unmodifiable
	 */
	public Map<String, String> headers() {
		return Map.copyOf(this.headers);
	}

	/**
	 * Return the body.
	 * @return a copy of the body, empty without one
	 */
	public byte[] body() {
		return this.body.clone();
	}

	@Override
	public String toString() {
		return this.status + " " + this.headers.keySet() + " (" + this.body.length + " bytes)";
	}

	void writeTo(HttpExchange exchange) throws IOException {
		this.headers.forEach(exchange.getResponseHeaders()::set);
		boolean none = this.body.length == 0 || exchange.getRequestMethod().equals("HEAD");
		exchange.sendResponseHeaders(this.status, none ? -1 : this.body.length);
		if (!none) {
			exchange.getResponseBody().write(this.body);
		}
	}

}
