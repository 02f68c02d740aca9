package dev.cloudrunauth.benchmarks;

import java.util.List;

import dev.cloudrunauth.benchmarks.jmh.JmhRounds;
import dev.cloudrunauth.receiving.VerifiedTokenCacheBenchmark;
import dev.cloudrunauth.benchmarks.support.Report;
import dev.cloudrunauth.benchmarks.support.Rounds;
import dev.cloudrunauth.benchmarks.support.Stats;

/**
 * 5. {@code GoogleIdTokenDecoder.decode} of the same token with a verified-token cache hit against full verification.
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
				+ "new `String` of the token, as each request's header is one. " + JmhRounds.settings() + ", "
				+ ROUNDS + " rounds.");
		Rounds rounds = JmhRounds.run(VerifiedTokenCacheBenchmark.class, List.of("cacheHit", "fullVerification"),
				ROUNDS, context.logDirectory());
		Stats speedup = rounds.ratio("fullVerification", "cacheHit");
		report.figure("decode() time", "full verification / cache hit", speedup.median(0) + "×", speedup.spread(0),
				"–", null);
		double full = rounds.stats("fullVerification").median();
		double hit = rounds.stats("cacheHit").median();
		context.put("decode.full.ns", full);
		context.put("decode.hit.ns", hit);
		report.detail("ns/op, median of rounds: full verification " + Stats.fmt(full, 0) + " (" + Stats.fmt(full / 1000, 1)
				+ " µs), cache hit " + Stats.fmt(hit, 0) + " (" + Stats.fmt(hit / 1000, 2) + " µs).");
		report.note("A hit costs a `ConcurrentHashMap` lookup keyed by the whole token (hashing ~1 KB of the new "
				+ "header string, then comparing it), a clock read and a key-still-published check.");
		return report;
	}

}
