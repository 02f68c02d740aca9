package dev.cloudrunauth.receiving;

import java.lang.reflect.Field;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import com.github.benmanes.caffeine.cache.Cache;
import dev.cloudrunauth.benchmarks.Context;
import dev.cloudrunauth.benchmarks.support.Console;
import dev.cloudrunauth.benchmarks.support.Emulators;
import dev.cloudrunauth.benchmarks.support.Load;
import dev.cloudrunauth.benchmarks.support.Report;
import dev.cloudrunauth.benchmarks.support.RetainedSize;
import dev.cloudrunauth.benchmarks.support.Stats;
import dev.cloudrunauth.calling.GoogleIdTokenSource;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import org.openjdk.jol.info.GraphLayout;

/**
 * 8. Retained heap of the calling token cache and of the verified-token cache, at and beyond their bounds.
 */
/**
 * In the library's package, because it measures package-private parts of it.
 */
public final class MemoryFootprint {

	static final int BOUND = 1000;

	private MemoryFootprint() {
	}

	public static Report run(Context context) throws Exception {
		Report report = new Report("8", "Memory");
		report.method("Retained heap, measured as the size of the object graph after filling minus the same "
				+ "structure empty. *Calling*: a `GoogleIdTokenSource` with `max-audiences` " + BOUND + " after "
				+ "minting tokens for " + BOUND + " and for " + (2 * BOUND) + " audiences from the emulator's "
				+ "metadata server (8 threads calling `token(aud)` once per audience). Its graph reaches the "
				+ "credentials, the HTTP transport and the emulator (through the minter), and threads, so it is walked "
				+ "with JOL's shallow sizes but stopping at the minter, the clock, threads and class loaders "
				+ "(`RetainedSize`; JOL's `GraphLayout` cannot be told to stop). *Receiving*: a "
				+ "`VerifiedTokenCache(" + BOUND + ")` after `GoogleIdTokenDecoder.decode` of " + BOUND + " and of "
				+ (2 * BOUND) + " distinct tokens, with `GraphLayout.parseInstance(cache).totalSize()` (its graph "
				+ "is closed).");
		try (GoogleIdentityEmulator emulator = GoogleIdentityEmulator.start()) {
			calling(report, emulator);
			receiving(report, emulator);
		}
		return report;
	}

	private static void calling(Report report, GoogleIdentityEmulator emulator) throws Exception {
		long[] perBound = new long[2];
		int[] entries = new int[2];
		int[] queued = new int[2];
		String[] largest = new String[2];
		for (int run = 0; run < 2; run++) {
			int audiences = (run == 0) ? BOUND : 2 * BOUND;
			try (GoogleIdTokenSource source = Emulators.sourceBuilder(emulator).maxAudiences(BOUND).build()) {
				Object cache = field(source, "cache");
				RetainedSize walker = new RetainedSize().stopAt(field(cache, "minter"), field(cache, "clock"));
				long empty = walker.of(source);
				Load.Result result = Load.run("mint", 8, audiences, Duration.ofMinutes(2),
						(thread, sequence) -> source.token(audience(sequence)));
				if (result.errors() > 0 || result.completed() != audiences) {
					throw new IllegalStateException("minting failed: " + result.completed() + " of " + audiences,
							result.firstError());
				}
				System.gc();
				long full = walker.of(source);
				perBound[run] = full - empty;
				Cache<?, ?> held = (Cache<?, ?>) field(field(cache, "entries"), "entries");
				// Caffeine evicts in its maintenance, which may lag the last inserts
				held.cleanUp();
				entries[run] = (int) held.estimatedSize();
				queued[run] = schedulerQueue(cache);
				largest[run] = String.join("; ", walker.largest(6));
				Console.log("  calling cache, %d audiences: %d bytes (%d entries, %d scheduled tasks, %d unreadable)",
						audiences, perBound[run], entries[run], queued[run], walker.unreadableFields());
			}
		}
		report.figure("Calling token cache at " + BOUND + " audiences", "retained bytes (per audience)",
				kib(perBound[0]),
				Stats.fmt(perBound[0] / (double) BOUND, 0) + " bytes per audience; " + entries[0] + " entries", "–",
				null);
		boolean bounded = perBound[1] <= perBound[0] * 1.1;
		report.figure("Calling token cache after " + (2 * BOUND) + " audiences, max-audiences " + BOUND,
				"retained bytes at 2,000 / at 1,000", Stats.fmt(perBound[1] / (double) perBound[0], 2),
				kib(perBound[1]) + "; " + entries[1] + " entries, " + queued[1] + " refresh tasks queued",
				"bounded (≈ 1.0)", bounded);
		report.detail("Largest classes in the calling cache at " + BOUND + " audiences: " + largest[0] + ".");
		report.detail("At " + (2 * BOUND) + " audiences: " + largest[1] + ".");
		int extraTasks = queued[1] - entries[1];
		if (extraTasks > 0) {
			report.note("Beyond the bound, the least recently used entry is evicted and its refresh task cancelled, "
					+ "yet " + extraTasks + " cancelled tasks were still queued in the refresh scheduler: each keeps "
					+ "only its own ~72 bytes (`FutureTask.cancel` drops the task's callable, so not the evicted entry "
					+ "or its token), and the ratio above includes them. `RefreshScheduler` sets `setRemoveOnCancelPolicy"
					+ "(true)` on its executor, which should remove them at once: this needs a look.");
		}
		else {
			report.note("Beyond the bound, the least recently used entry is evicted and its refresh task cancelled; "
					+ "the refresh scheduler removes a cancelled task at once (`setRemoveOnCancelPolicy(true)`), so "
					+ "only live entries' tasks stay queued (" + queued[1] + " for " + entries[1] + " entries).");
		}
		if (entries[1] > BOUND) {
			report.note("The cache held " + entries[1] + " entries for a bound of " + BOUND + " after Caffeine's "
					+ "pending evictions were run (`cleanUp()`), which should leave it within the bound; it needs a "
					+ "look.");
		}
	}

	private static void receiving(Report report, GoogleIdentityEmulator emulator) throws Exception {
		String audience = "https://receiving-123456789012.us-central1.run.app";
		SigningKeyCache keys = new SigningKeyCache(URI.create(emulator.jwkSetUri()), Duration.ofSeconds(30),
				Duration.ofSeconds(5), Clock.systemUTC());
		keys.start();
		for (int i = 0; i < 500 && !keys.keysLoaded(); i++) {
			Emulators.sleep(10);
		}
		String[] tokens = Emulators.sign(2 * BOUND, (i) -> emulator.idToken(audience).claim("jti", "m-" + i).sign());
		long[] sizes = new long[2];
		int[] counts = new int[2];
		long crossCheckJol = 0;
		long crossCheckWalker = 0;
		try {
			for (int run = 0; run < 2; run++) {
				int n = (run == 0) ? BOUND : 2 * BOUND;
				VerifiedTokenCache cache = new VerifiedTokenCache(BOUND, Duration.ofSeconds(30),
						AllowedCallers.anyCaller(), Clock.systemUTC());
				GoogleIdTokenDecoder decoder = GoogleIdTokenDecoder.withSigningKeys(keys)
					.claimValidation(IdTokenValidators.createDefault(List.of("https://accounts.google.com"),
							List.of(audience), Duration.ofSeconds(30), Duration.ofHours(1), List.of()))
					.verifiedTokenCache(cache)
					.build();
				long empty = GraphLayout.parseInstance(cache).totalSize();
				for (int i = 0; i < n; i++) {
					decoder.decode(tokens[i]);
				}
				long full = GraphLayout.parseInstance(cache).totalSize();
				sizes[run] = full - empty;
				counts[run] = cache.size();
				if (run == 0) {
					crossCheckJol = full;
					crossCheckWalker = new RetainedSize().of(cache);
				}
				Console.log("  verified-token cache, %d tokens: %d bytes, %d entries", n, sizes[run], counts[run]);
			}
		}
		finally {
			keys.close();
		}
		report.figure("Verified-token cache at its bound (" + BOUND + " entries)", "retained bytes (per token)",
				kib(sizes[0]),
				Stats.fmt(sizes[0] / (double) counts[0], 0) + " bytes per token; " + counts[0] + " entries", "–", null);
		report.figure("Verified-token cache after " + (2 * BOUND) + " distinct tokens, max-size " + BOUND,
				"retained bytes at 2,000 / at 1,000", Stats.fmt(sizes[1] / (double) sizes[0], 2),
				kib(sizes[1]) + "; " + counts[1] + " entries", "bounded (<= 1.0)", sizes[1] <= sizes[0] * 1.05);
		report.detail("Cross-check of the bounded walker against JOL on the closed graph of the full "
				+ "verified-token cache: JOL `GraphLayout` " + crossCheckJol + " bytes, walker " + crossCheckWalker
				+ " bytes.");
		report.note(
				"Beyond its bound the verified-token cache evicts expired entries, then the least recently used ones down to 90% "
						+ "of the bound, so after " + (2 * BOUND) + " tokens it holds between " + (BOUND * 9 / 10)
						+ " and " + BOUND + " entries.");
	}

	private static String audience(long i) {
		return String.format("https://svc-%04d-123456789012.us-central1.run.app", i);
	}

	private static String kib(long bytes) {
		return Stats.fmt(bytes / 1024.0, 0) + " KiB";
	}

	private static int schedulerQueue(Object cache) {
		try {
			Object scheduler = field(cache, "refreshes");
			Object executor = scheduler;
			if (!(executor instanceof ScheduledThreadPoolExecutor)) {
				for (Class<?> type = scheduler.getClass(); type != null; type = type.getSuperclass()) {
					for (Field field : type.getDeclaredFields()) {
						if (ExecutorService.class.isAssignableFrom(field.getType())) {
							field.setAccessible(true);
							executor = field.get(scheduler);
						}
					}
				}
			}
			return ((ScheduledThreadPoolExecutor) executor).getQueue().size();
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return -1;
		}
	}

	static Object field(Object target, String name) throws ReflectiveOperationException {
		for (Class<?> type = target.getClass(); type != null; type = type.getSuperclass()) {
			try {
				Field field = type.getDeclaredField(name);
				field.setAccessible(true);
				return field.get(target);
			}
			catch (NoSuchFieldException ex) {
				// try the superclass
			}
		}
		throw new NoSuchFieldException(name);
	}

}
