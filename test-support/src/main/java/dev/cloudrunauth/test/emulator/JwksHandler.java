package dev.cloudrunauth.test.emulator;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicLong;

import dev.cloudrunauth.test.LoopbackResponse;
import dev.cloudrunauth.test.LoopbackServer;
import dev.cloudrunauth.test.RecordedRequest;

/**
 * Google's signing keys as a JWK Set, with the caching headers Google sends; counts how
 * often it served them.
 */
final class JwksHandler implements LoopbackServer.Handler {

	private final SigningKeys keys;

	private final EmulatorSettings settings;

	private final AtomicLong fetches = new AtomicLong();

	JwksHandler(SigningKeys keys, EmulatorSettings settings) {
		this.keys = keys;
		this.settings = settings;
	}

	@Override
	public LoopbackResponse handle(RecordedRequest request) {
		if (!"/oauth2/v3/certs".equals(request.path())) {
			return Exchanges.text(404, "Not found\n");
		}
		if (!"GET".equals(request.method())) {
			return Exchanges.text(405, "Method not allowed\n");
		}
		this.fetches.incrementAndGet();
		long maxAge = this.settings.jwksMaxAge().toSeconds();
		String expires = DateTimeFormatter.RFC_1123_DATE_TIME
			.format(this.settings.now().plusSeconds(maxAge).atZone(ZoneOffset.UTC));
		return LoopbackResponse.json(200, this.keys.jwkSetJson())
			.withHeader("Cache-Control", "public, max-age=" + maxAge + ", must-revalidate, no-transform")
			.withHeader("Expires", expires);
	}

	long fetches() {
		return this.fetches.get();
	}

	void resetFetches() {
		this.fetches.set(0);
	}

}
