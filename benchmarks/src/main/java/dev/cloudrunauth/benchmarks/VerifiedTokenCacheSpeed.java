package dev.cloudrunauth.benchmarks;

import java.util.List;

import dev.cloudrunauth.benchmarks.jmh.JmhRounds;
import dev.cloudrunauth.receiving.VerifiedTokenCacheBenchmark;
import dev.cloudrunauth.benchmarks.support.Report;
import dev.cloudrunauth.benchmarks.support.Rounds;
import dev.cloudrunauth.benchmarks.support.Stats;

/**
 * 5. {@code GoogleIdTokenDecoder.decode} of the same token with a verified-token cache
 * hit against full verification.
 */
final class VerifiedTokenCacheSpeed {

	static final int ROUNDS = 3;

	private VerifiedTokenCacheSpeed() {
	}

	static Report run(Context context) {
		Report report = new Report("5", "Verified-token cache");
		report.method("JMH: `GoogleIdTokenDecoder.decode(token)` with keys loaded from the emulator's JWKS, built as "
				+ "the auto-configuration builds it (default validators, one audience). *Hit*: with a "
				+ "`VerifiedTokenCache(1000)` that verified the token once in setup; *full*: without a cache (parse, "
				+ "RS256 signature verification with a 2048-bit key, claim conversion, validation). Each call decodes a "
				+ "new `String` of the token, as each request's header is one. *Observed hit*: the same hit with an "
				+ "`ObservationRegistry` that records each verification as a timer, as Spring Boot's actuator wires "
				+ "it (the default, a hit without one, is unobserved). " + JmhRounds.settings() + ", " + ROUNDS
				+ " rounds.");
		Rounds rounds = JmhRounds.run(VerifiedTokenCacheBenchmark.class,
				List.of("cacheHit", "cacheHitObserved", "fullVerification"), ROUNDS, context.logDirectory());
		Stats speedup = rounds.ratio("fullVerification", "cacheHit");
		report.figure("decode() time", "full verification / cache hit", speedup.median(0) + "×", speedup.spread(0), "–",
				null);
		Stats observation = rounds.ratio("cacheHitObserved", "cacheHit");
		report.figure("cache hit, observed", "observed hit / hit", observation.median(2) + "×", observation.spread(2),
				"–", null);
		double full = rounds.stats("fullVerification").median();
		double hit = rounds.stats("cacheHit").median();
		double observed = rounds.stats("cacheHitObserved").median();
		context.put("decode.full.ns", full);
		context.put("decode.hit.ns", hit);
		report.detail("ns/op, median of rounds: full verification " + Stats.fmt(full, 0) + " ("
				+ Stats.fmt(full / 1000, 1) + " µs), cache hit " + Stats.fmt(hit, 0) + " (" + Stats.fmt(hit / 1000, 2)
				+ " µs), observed cache hit " + Stats.fmt(observed, 0) + " (" + Stats.fmt(observed / 1000, 2)
				+ " µs).");
		report.note("A hit costs a Caffeine lookup keyed by the whole token (hashing ~1 KB of the new header string, "
				+ "then comparing it), a clock read and a key-still-published check; observed, also a timer sample and "
				+ "a long task timer sample, and the timer's lookup by tags when it stops.");
		return report;
	}

}
