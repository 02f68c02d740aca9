package dev.cloudrunauth.test.emulator;

import java.io.IOException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/**
 * Google's signing keys as a JWK Set, with the caching headers Google sends.
 */
final class JwksHandler implements HttpHandler {

	private final GoogleIdentityEmulator emulator;

	JwksHandler(GoogleIdentityEmulator emulator) {
		this.emulator = emulator;
	}

	@Override
	public void handle(HttpExchange exchange) throws IOException {
		if (!"/oauth2/v3/certs".equals(exchange.getRequestURI().getPath())) {
			Exchanges.text(exchange, 404, "Not found\n");
			return;
		}
		if (!"GET".equals(exchange.getRequestMethod())) {
			Exchanges.text(exchange, 405, "Method not allowed\n");
			return;
		}
		long maxAge = this.emulator.jwksMaxAge().toSeconds();
		exchange.getResponseHeaders()
			.set("Cache-Control", "public, max-age=" + maxAge + ", must-revalidate, no-transform");
		exchange.getResponseHeaders()
			.set("Expires", DateTimeFormatter.RFC_1123_DATE_TIME
				.format(ZonedDateTime.now(this.emulator.clock().withZone(ZoneOffset.UTC)).plusSeconds(maxAge)));
		Exchanges.send(exchange, 200, "application/json; charset=UTF-8", this.emulator.signingKeysJson());
	}

}
