package dev.cloudrunauth.receiving;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import dev.cloudrunauth.benchmarks.Context;
import dev.cloudrunauth.benchmarks.support.Console;
import dev.cloudrunauth.benchmarks.support.Emulators;
import dev.cloudrunauth.benchmarks.support.Load;
import dev.cloudrunauth.benchmarks.support.Report;
import dev.cloudrunauth.benchmarks.support.Stats;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;

/**
 * 6. JWKS fetches while tokens are verified under load, across several max-age periods and one key rotation.
 */
/**
 * In the library's package, because it measures package-private parts of it.
 */
public final class JwksUnderLoad {

	static final String AUDIENCE = "https://receiving-123456789012.us-central1.run.app";

	static final Duration MAX_AGE = Duration.ofSeconds(5);

	static final Duration REFETCH_INTERVAL = Duration.ofSeconds(1);

	static final long RUN_MILLIS = 22_000;

	static final long ROTATE_AT_MILLIS = 11_000;

	static final int THREADS = 4;

	private JwksUnderLoad() {
	}

	public static Report run(Context context) {
		Report report = new Report("6", "JWKS fetches under load");
		report.method(THREADS + " threads decode tokens back to back (a pool of 300 distinct tokens, decoder without "
				+ "verified-token cache, so every request looks its key up) for " + (RUN_MILLIS / 1000) + " s, with "
				+ "the emulator's JWKS sending `Cache-Control: max-age=" + MAX_AGE.toSeconds() + "` (the library's "
				+ "minimum) and `jwk-set-refetch-interval` " + REFETCH_INTERVAL.toSeconds() + " s. The load starts "
				+ "together with `SigningKeyCache.start()`, so the first requests wait for the initial fetch. At "
				+ (ROTATE_AT_MILLIS / 1000) + " s the emulator rotates its key (`keys().rotate()`: publishes a new "
				+ "key and signs with it at once) and the load switches to 100 tokens signed by the new key, whose "
				+ "`kid` the verifier does not know yet. The emulator counts every JWKS request.");
		try (GoogleIdentityEmulator emulator = GoogleIdentityEmulator.builder().jwksMaxAge(MAX_AGE).start()) {
			String[] initial = Emulators.sign(300, (i) -> emulator.idToken(AUDIENCE).claim("jti", "a-" + i).sign());
			SigningKeyCache keys = new SigningKeyCache(URI.create(emulator.jwkSetUri()), REFETCH_INTERVAL,
					Duration.ofSeconds(5), Clock.systemUTC());
			GoogleIdTokenDecoder decoder = GoogleIdTokenDecoder.withSigningKeys(keys)
				.claimValidation(IdTokenValidators.createDefault(List.of("https://accounts.google.com"),
						List.of(AUDIENCE), Duration.ofSeconds(30), Duration.ofHours(1), List.of()))
				.build();
			Map<String, LongAdder> rejections = new ConcurrentHashMap<>();
			List<Long> fetchTimes = new ArrayList<>();
			java.util.concurrent.atomic.AtomicReference<String[]> current = new java.util.concurrent.atomic.AtomicReference<>(
					initial);
			long[] rotatedAt = { -1, -1 };
			emulator.resetCounters();
			long origin = System.nanoTime();
			Thread monitor = new Thread(() -> {
				long seen = 0;
				long end = origin + (RUN_MILLIS + 2000) * 1_000_000;
				while (System.nanoTime() < end) {
					long now = emulator.jwksFetches();
					while (seen < now) {
						synchronized (fetchTimes) {
							fetchTimes.add((System.nanoTime() - origin) / 1_000_000);
						}
						seen++;
					}
					try {
						Thread.sleep(2);
					}
					catch (InterruptedException ex) {
						return;
					}
				}
			}, "jwks-monitor");
			monitor.setDaemon(true);
			monitor.start();
			Thread rotator = new Thread(() -> {
				long wait = origin + ROTATE_AT_MILLIS * 1_000_000 - System.nanoTime();
				Emulators.sleep(Math.max(0, wait / 1_000_000));
				rotatedAt[0] = (System.nanoTime() - origin) / 1_000_000;
				emulator.keys().rotate();
				String[] next = Emulators.sign(100, (i) -> emulator.idToken(AUDIENCE).claim("jti", "b-" + i).sign());
				current.set(next);
				rotatedAt[1] = (System.nanoTime() - origin) / 1_000_000;
			}, "rotator");
			rotator.setDaemon(true);
			rotator.start();
			keys.start();
			AtomicLong newKeyDecodes = new AtomicLong();
			Load.Result result = Load.run("jwks", THREADS, 50_000_000, Duration.ofMillis(RUN_MILLIS),
					(thread, sequence) -> {
						String[] pool = current.get();
						try {
							decoder.decode(pool[(int) (sequence % pool.length)]);
							if (pool != initial) {
								newKeyDecodes.incrementAndGet();
							}
						}
						catch (InvalidIdTokenException ex) {
							rejections.computeIfAbsent(ex.getMessage(), (k) -> new LongAdder()).increment();
							throw ex;
						}
					});
			long observed = emulator.jwksFetches();
			long libraryCount = keys.fetches();
			keys.close();
			List<Long> times;
			synchronized (fetchTimes) {
				times = new ArrayList<>(fetchTimes);
			}
			Console.log("  JWKS fetches at %s ms; rotation at %d ms (new tokens from %d ms)", times, rotatedAt[0],
					rotatedAt[1]);
			long periodMillis = MAX_AGE.toMillis() * 9 / 10;
			List<Long> model = model(periodMillis, rotatedAt[1]);
			long ruleExpected = 1 + RUN_MILLIS / MAX_AGE.toMillis() + 1;
			report.figure("JWKS fetches during the run", "emulator `jwksFetches()` / expected",
					observed + " / " + model.size(),
					"rule \"one per max-age period + 1 per rotation\": " + ruleExpected, "equal",
					observed == model.size() && observed == ruleExpected);
			report.detail("Expected from the library's schedule: the first fetch at start, the next " + periodMillis
					+ " ms (max-age − 10%) after each fetch, plus one when the first token with the "
					+ "unknown `kid` arrives (allowed: no fetch caused by an unknown `kid` in the refetch interval before), after which the schedule "
					+ "restarts: modelled at " + model + " ms. Observed (emulator counter, polled every 2 ms) at "
					+ times + " ms; the library's own `fetches()` counter says " + libraryCount + ".");
			report.detail(
					"Rule check: 1 + ⌊" + (RUN_MILLIS / 1000) + " s / " + MAX_AGE.toSeconds() + " s⌋ + 1 rotation = "
							+ ruleExpected + ". Decodes: " + result.completed() + " (" + newKeyDecodes.get()
							+ " with the new key), " + Stats.fmt(result.throughput(), 0) + " per s, rejected: "
							+ (rejections.isEmpty() ? "none" : rejections.toString().replace("|", "/")) + ".");
			report
				.note("The library refetches 10% before max-age runs out (so keys never go stale), so over a long run "
						+ "it fetches once per 0.9 × max-age — here 4.5 s — i.e. 1.11 fetches per max-age period; the run "
						+ "length was chosen so that the simple rule and the schedule give the same count. No request ever "
						+ "caused a fetch except the rotation's unknown `kid`, and the " + THREADS
						+ " threads that met it " + "shared one fetch.");
			report
				.note("Periodic fetches do not count against `jwk-set-refetch-interval`, which limits only fetches caused "
						+ "by unknown `kid`s: with its default of 30 s the rotation's unknown `kid` would trigger its fetch at "
						+ "once too, though the periodic fetch was seconds before.");
		}
		return report;
	}

	private static List<Long> model(long period, long rotation) {
		List<Long> times = new ArrayList<>();
		long last = 0;
		times.add(0L);
		boolean rotated = false;
		while (true) {
			long next = last + period;
			if (!rotated && rotation >= 0 && rotation < next && rotation - last >= REFETCH_INTERVAL.toMillis()) {
				next = rotation;
				rotated = true;
			}
			if (next >= RUN_MILLIS) {
				break;
			}
			times.add(next);
			last = next;
		}
		return times;
	}

}
