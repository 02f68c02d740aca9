package dev.cloudrunauth.test.emulator;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicLong;

import dev.cloudrunauth.test.LoopbackResponse;
import dev.cloudrunauth.test.LoopbackServer;
import dev.cloudrunauth.test.RecordedRequest;

/**
 * Google's signing keys as a JWK Set at {@code /oauth2/v3/certs}, and IAP's at
 * {@code /iap/verify/public_key-jwk}, with the caching headers Google sends; counts how
 * often it served each.
 */
final class JwksHandler implements LoopbackServer.Handler {

	static final String IAP_PATH = "/iap/verify/public_key-jwk";

	private final SigningKeys keys;

	private final IapSigningKeys iapKeys;

	private final EmulatorSettings settings;

	private final AtomicLong fetches = new AtomicLong();

	private final AtomicLong iapFetches = new AtomicLong();

	JwksHandler(SigningKeys keys, IapSigningKeys iapKeys, EmulatorSettings settings) {
		this.keys = keys;
		this.iapKeys = iapKeys;
		this.settings = settings;
	}

	@Override
	public LoopbackResponse handle(RecordedRequest request) {
		boolean iap = IAP_PATH.equals(request.path());
		if (!iap && !"/oauth2/v3/certs".equals(request.path())) {
			return Exchanges.text(404, "Not found\n");
		}
		if (!"GET".equals(request.method())) {
			return Exchanges.text(405, "Method not allowed\n");
		}
		(iap ? this.iapFetches : this.fetches).incrementAndGet();
		long maxAge = this.settings.jwksMaxAge().toSeconds();
		String expires = DateTimeFormatter.RFC_1123_DATE_TIME
			.format(this.settings.now().plusSeconds(maxAge).atZone(ZoneOffset.UTC));
		return LoopbackResponse.json(200, iap ? this.iapKeys.jwkSetJson() : this.keys.jwkSetJson())
			.withHeader("Cache-Control", "public, max-age=" + maxAge + ", must-revalidate, no-transform")
			.withHeader("Expires", expires);
	}

	long fetches() {
		return this.fetches.get();
	}

	long iapFetches() {
		return this.iapFetches.get();
	}

	void resetFetches() {
		this.fetches.set(0);
		this.iapFetches.set(0);
	}

}
