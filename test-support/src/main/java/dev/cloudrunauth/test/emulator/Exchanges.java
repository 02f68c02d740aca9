package dev.cloudrunauth.test.emulator;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.cloudrunauth.test.LoopbackResponse;
import dev.cloudrunauth.test.RecordedRequest;

import org.jspecify.annotations.Nullable;

/**
 * Reading requests and writing responses the way Google's endpoints do.
 */
final class Exchanges {

	private Exchanges() {
	}

	static Map<String, String> query(RecordedRequest request) {
		return decodeForm(request.uri().getRawQuery());
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

	static @Nullable String bearerToken(RecordedRequest request) {
		String authorization = request.header("Authorization");
		if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return null;
		}
		return authorization.substring(7).trim();
	}

	/**
	 * Return the service account whose access token, issued by the emulator, authorizes a
	 * request to a Google API, or {@code null}: then answer {@link #unauthenticated()}.
	 */
	static @Nullable ServiceAccount apiCaller(RecordedRequest request, TokenMint tokens) {
		String bearer = bearerToken(request);
		return (bearer != null) ? tokens.accessTokenOwner(bearer) : null;
	}

	/**
	 * The 401 of Google's APIs to a request without a valid access token.
	 */
	static LoopbackResponse unauthenticated() {
		return apiError(401, "UNAUTHENTICATED",
				"Request had invalid authentication credentials. "
						+ "Expected OAuth 2 access token, login cookie or other valid authentication credential.")
			.withHeader("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\"");
	}

	/**
	 * Answer with the error body of Google's JSON APIs ({@code {"error": {"code",
	 * "message", "status"}}}).
	 */
	static LoopbackResponse apiError(int code, String status, String message) {
		Map<String, Object> error = new LinkedHashMap<>();
		error.put("code", code);
		error.put("message", message);
		error.put("status", status);
		return json(code, Map.of("error", error));
	}

	/**
	 * Answer with the error body of the OAuth 2.0 token endpoint ({@code {"error",
	 * "error_description"}}).
	 */
	static LoopbackResponse oauthError(int code, String error, String description) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("error", error);
		body.put("error_description", description);
		return json(code, body);
	}

	/**
	 * Answer with plain text as the metadata server does, whose content type is
	 * {@code application/text}.
	 */
	static LoopbackResponse text(int status, String body) {
		return LoopbackResponse.status(status).withBody("application/text", body);
	}

	static LoopbackResponse json(int status, Map<String, ?> body) {
		return LoopbackResponse.json(status, JSONObjectUtils.toJSONString(body));
	}

}
