package dev.cloudrunauth.receiving;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import org.springframework.security.oauth2.jwt.Jwt;

/**
 * {@code GoogleIdTokenDecoder.decode} of one token, keys already loaded: with a
 * {@link VerifiedTokenCache} (a hit after the first call) against without one (RS256
 * verification, parsing and claim validation every time), and a hit observed as with
 * Spring Boot's actuator (an {@code ObservationRegistry} whose
 * {@code DefaultMeterObservationHandler} records a timer) against the default, unobserved
 * ({@link ObservationRegistry#NOOP}). Each invocation decodes a new String with the
 * token's characters, as each request's header is a new String (so its hash is computed
 * again, as in a server).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class VerifiedTokenCacheBenchmark {

	static final String AUDIENCE = "https://receiving-123456789012.us-central1.run.app";

	private GoogleIdentityEmulator emulator;

	private SigningKeyCache keys;

	private GoogleIdTokenDecoder withCache;

	private GoogleIdTokenDecoder withoutCache;

	private GoogleIdTokenDecoder observed;

	private SimpleMeterRegistry meters;

	private VerifiedTokenCache cache;

	private byte[] token;

	@Setup
	public void setUp() throws InterruptedException {
		this.emulator = GoogleIdentityEmulator.start();
		this.keys = new SigningKeyCache(URI.create(this.emulator.jwkSetUri()), Duration.ofSeconds(30),
				Duration.ofSeconds(5), Clock.systemUTC());
		this.keys.start();
		for (int i = 0; i < 500 && !this.keys.keysLoaded(); i++) {
			Thread.sleep(10);
		}
		if (!this.keys.keysLoaded()) {
			throw new IllegalStateException("keys not loaded");
		}
		var validator = IdTokenValidators.createDefault(List.of("https://accounts.google.com", "accounts.google.com"),
				List.of(AUDIENCE), Duration.ofSeconds(30), Duration.ofHours(1), List.of());
		this.cache = new VerifiedTokenCache(1000, Duration.ofSeconds(30), AllowedCallers.anyCaller(),
				Clock.systemUTC());
		this.withCache = GoogleIdTokenDecoder.withSigningKeys(this.keys)
			.claimValidation(validator)
			.verifiedTokenCache(this.cache)
			.build();
		this.withoutCache = GoogleIdTokenDecoder.withSigningKeys(this.keys).claimValidation(validator).build();
		this.meters = new SimpleMeterRegistry();
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(this.meters));
		this.observed = GoogleIdTokenDecoder.withSigningKeys(this.keys)
			.claimValidation(validator)
			.verifiedTokenCache(this.cache)
			.observationRegistry(observations)
			.build();
		String value = this.emulator.idToken(AUDIENCE).sign();
		this.token = value.getBytes(StandardCharsets.ISO_8859_1);
		this.withCache.decode(value);
		this.withoutCache.decode(value);
		this.observed.decode(value);
	}

	@TearDown
	public void tearDown() {
		long fetches = this.emulator.jwksFetches();
		long misses = this.cache.misses();
		this.keys.close();
		this.emulator.close();
		if (fetches != 1) {
			throw new IllegalStateException("Expected one JWKS fetch, got " + fetches);
		}
		if (this.meters.find(ReceivingObservations.VERIFICATIONS).timer() == null) {
			throw new IllegalStateException("The observed decoder recorded no timer");
		}
		if (misses != 1) {
			throw new IllegalStateException("Expected only the first lookup to miss, got " + misses + " misses");
		}
	}

	@Benchmark
	public Jwt cacheHit() {
		return this.withCache.decode(new String(this.token, StandardCharsets.ISO_8859_1));
	}

	@Benchmark
	public Jwt cacheHitObserved() {
		return this.observed.decode(new String(this.token, StandardCharsets.ISO_8859_1));
	}

	@Benchmark
	public Jwt fullVerification() {
		return this.withoutCache.decode(new String(this.token, StandardCharsets.ISO_8859_1));
	}

}
