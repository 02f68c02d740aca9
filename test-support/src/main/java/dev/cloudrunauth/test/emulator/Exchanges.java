package dev.cloudrunauth.test.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpExchange;

import org.jspecify.annotations.Nullable;

/**
 * Reading requests and writing responses on the JDK's HTTP server.
 */
final class Exchanges {

	private static final int MAX_BODY = 64 * 1024;

	private Exchanges() {
	}

	static String body(HttpExchange exchange) throws IOException {
		try (InputStream in = exchange.getRequestBody()) {
			byte[] bytes = in.readNBytes(MAX_BODY + 1);
			if (bytes.length > MAX_BODY) {
				throw new IOException("Request body larger than " + MAX_BODY + " bytes");
			}
			return new String(bytes, StandardCharsets.UTF_8);
		}
	}

	static Map<String, String> query(HttpExchange exchange) {
		return decodeForm(exchange.getRequestURI().getRawQuery());
	}

	static Map<String, String> decodeForm(@Nullable String encoded) {
		Map<String, String> parameters = new LinkedHashMap<>();
		if (encoded == null || encoded.isEmpty()) {
			return parameters;
		}
		for (String pair : encoded.split("&")) {
			int equals = pair.indexOf('=');
			String name = (equals < 0) ? pair : pair.substring(0, equals);
			String value = (equals < 0) ? "" : pair.substring(equals + 1);
			parameters.putIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8),
					URLDecoder.decode(value, StandardCharsets.UTF_8));
		}
		return parameters;
	}

	static @Nullable String bearerToken(HttpExchange exchange) {
		String authorization = exchange.getRequestHeaders().getFirst("Authorization");
		if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return null;
		}
		return authorization.substring(7).trim();
	}

	/**
	 * Return the service account whose access token, issued by the emulator, authorizes a request to a Google API;
	 * otherwise answer 401 as Google's APIs do.
	 */
	static @Nullable ServiceAccount apiCaller(HttpExchange exchange, GoogleIdentityEmulator emulator) throws IOException {
		String bearer = bearerToken(exchange);
		ServiceAccount caller = (bearer != null) ? emulator.accessTokenOwner(bearer) : null;
		if (caller == null) {
			exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\"");
			apiError(exchange, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials. "
					+ "Expected OAuth 2 access token, login cookie or other valid authentication credential.");
		}
		return caller;
	}

	/**
	 * Answer with the error body of Google's JSON APIs.
	 */
	static void apiError(HttpExchange exchange, int code, String status, String message) throws IOException {
		json(exchange, code, googleApiError(code, status, message));
	}

	static void text(HttpExchange exchange, int status, String body) throws IOException {
		send(exchange, status, "application/text", body);
	}

	static void json(HttpExchange exchange, int status, Map<String, ?> body) throws IOException {
		send(exchange, status, "application/json; charset=UTF-8", JSONObjectUtils.toJSONString(body));
	}

	static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", contentType);
		exchange.sendResponseHeaders(status, (bytes.length > 0) ? bytes.length : -1);
		if (bytes.length > 0) {
			exchange.getResponseBody().write(bytes);
		}
		exchange.close();
	}

	/**
	 * The error body of Google's JSON APIs ({@code {"error": {"code", "message", "status"}}}).
	 */
	static Map<String, Object> googleApiError(int code, String status, String message) {
		Map<String, Object> error = new LinkedHashMap<>();
		error.put("code", code);
		error.put("message", message);
		error.put("status", status);
		return Map.of("error", error);
	}

	/**
	 * The error body of the OAuth 2.0 token endpoint ({@code {"error", "error_description"}}).
	 */
	static Map<String, Object> oauthError(String error, String description) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("error", error);
		body.put("error_description", description);
		return body;
	}

}
