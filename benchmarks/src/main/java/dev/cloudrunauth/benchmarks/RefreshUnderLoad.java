package dev.cloudrunauth.benchmarks;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import dev.cloudrunauth.benchmarks.support.Console;
import dev.cloudrunauth.benchmarks.support.Emulators;
import dev.cloudrunauth.benchmarks.support.Load;
import dev.cloudrunauth.benchmarks.support.Report;
import dev.cloudrunauth.benchmarks.support.Stats;
import dev.cloudrunauth.calling.CallingTarget;
import dev.cloudrunauth.calling.CallingTargets;
import dev.cloudrunauth.calling.GoogleIdTokenSource;
import dev.cloudrunauth.calling.IdTokenClientHttpRequestInterceptor;
import dev.cloudrunauth.calling.IdTokenHeader;
import dev.cloudrunauth.calling.IdTokenSource;
import dev.cloudrunauth.test.LoopbackServer;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import org.HdrHistogram.Histogram;

import org.springframework.web.client.RestClient;

/**
 * 3. 64 threads calling through the interceptor while short-lived tokens for several
 * audiences are refreshed: exactly one mint per audience per refresh, and no latency
 * spike around refreshes.
 */
final class RefreshUnderLoad {

	static final int THREADS = 64;

	static final int AUDIENCES = 3;

	static final Duration LIFETIME = Duration.ofSeconds(6);

	static final Duration REFRESH_BEFORE_EXPIRY = Duration.ofSeconds(3);

	/**
	 * 4.75 token lifetimes; ends mid-way between two refreshes, so the count cannot be
	 * off by one at the end.
	 */
	static final long RUN_MILLIS = 28_500;

	static final long WINDOW_HALF_MILLIS = 500;

	static final int CAPACITY_PER_THREAD = 40_000;

	private RefreshUnderLoad() {
	}

	static Report run(Context context) {
		Report report = new Report("3", "Refresh under load");
		report.method(THREADS + " threads call `GET /<aud>/hello` through a RestClient with the interceptor, spread "
				+ "over " + AUDIENCES + " targets with different audiences, against the loopback server, for "
				+ (RUN_MILLIS / 1000.0) + " s (capped at " + (THREADS * (long) CAPACITY_PER_THREAD) + " calls). The "
				+ "emulator's tokens live " + LIFETIME.toSeconds() + " s, `refresh-before-expiry` is "
				+ REFRESH_BEFORE_EXPIRY.toSeconds() + " s (half), so each audience's token is replaced every ~"
				+ (LIFETIME.toSeconds() / 2)
				+ " s in the background. A warm-up of 4 s with another source comes first; "
				+ "the measured run starts just after a full second, as the emulator's `exp` is whole seconds.");
		report.method("");
		report.method("Latency of every call goes into HdrHistograms: one per refresh window (±" + WINDOW_HALF_MILLIS
				+ " ms around the moment a new token first reaches a caller; refreshes of all audiences fall together) "
				+ "and one for steady state (everything from 1 s after the start that is more than 1 s away from any "
				+ "refresh).");
		String[] audiences = new String[AUDIENCES];
		String[] paths = new String[AUDIENCES];
		for (int i = 0; i < AUDIENCES; i++) {
			audiences[i] = "https://refresh-" + (char) ('a' + i) + "-123456789012.us-central1.run.app";
			paths[i] = "/" + (char) ('a' + i) + "/hello";
		}
		try (GoogleIdentityEmulator emulator = GoogleIdentityEmulator.start();
				LoopbackServer server = LoopbackServer.builder().threads(8).recording(false).start()) {
			emulator.setTokenLifetime(LIFETIME);
			List<CallingTarget> list = new ArrayList<>();
			for (int i = 0; i < AUDIENCES; i++) {
				list.add(new CallingTarget("svc-" + i, URI.create(server.url() + "/" + (char) ('a' + i)), audiences[i],
						IdTokenHeader.AUTHORIZATION));
			}
			CallingTargets targets = new CallingTargets(list);
			try (GoogleIdTokenSource warm = Emulators.sourceBuilder(emulator)
				.refreshBeforeExpiry(REFRESH_BEFORE_EXPIRY)
				.build()) {
				RestClient client = Emulators.restClient(server.url(),
						new IdTokenClientHttpRequestInterceptor(warm, targets));
				Load.Result result = Load.run("refresh-warmup", THREADS, 300_000, Duration.ofSeconds(4),
						(thread, sequence) -> client.get()
							.uri(paths[(int) ((thread + sequence) % AUDIENCES)])
							.retrieve()
							.body(String.class));
				Console.log("  warm-up: %d calls, %d errors", result.completed(), result.errors());
			}
			Emulators.sleep(300);
			emulator.resetCounters();
			Emulators.sleep(1050 - System.currentTimeMillis() % 1000);
			try (GoogleIdTokenSource source = Emulators.sourceBuilder(emulator)
				.refreshBeforeExpiry(REFRESH_BEFORE_EXPIRY)
				.build()) {
				TimedSource timed = new TimedSource(source);
				RestClient client = Emulators.restClient(server.url(),
						new IdTokenClientHttpRequestInterceptor(timed, targets));
				long[][] starts = new long[THREADS][CAPACITY_PER_THREAD];
				long[][] latencies = new long[THREADS][CAPACITY_PER_THREAD];
				long[][] tokenLatencies = new long[THREADS][CAPACITY_PER_THREAD];
				int[] counts = new int[THREADS];
				long origin = System.nanoTime();
				Load.Result result = Load.run("refresh", THREADS, THREADS * (long) CAPACITY_PER_THREAD,
						Duration.ofMillis(RUN_MILLIS), (thread, sequence) -> {
							int n = counts[thread];
							if (n >= CAPACITY_PER_THREAD) {
								return;
							}
							long start = System.nanoTime();
							client.get()
								.uri(paths[(int) ((thread + sequence) % AUDIENCES)])
								.retrieve()
								.body(String.class);
							long end = System.nanoTime();
							starts[thread][n] = start - origin;
							latencies[thread][n] = end - start;
							tokenLatencies[thread][n] = TimedSource.LAST.get()[0];
							counts[thread] = n + 1;
						});
				long[] minted = new long[AUDIENCES];
				for (int i = 0; i < AUDIENCES; i++) {
					minted[i] = emulator.idTokensMinted(audiences[i]);
				}
				Emulators.sleep(1000);
				long mintedLater = emulator.idTokensMinted();
				analyse(report, result, origin, audiences, timed, starts, latencies, tokenLatencies, counts, minted,
						mintedLater);
			}
		}
		return report;
	}

	private static void analyse(Report report, Load.Result result, long origin, String[] audiences, TimedSource timed,
			long[][] starts, long[][] latencies, long[][] tokenLatencies, int[] counts, long[] minted,
			long mintedLater) {
		if (result.errors() > 0) {
			throw new IllegalStateException(result.errors() + " failed calls", result.firstError());
		}
		long expectedPerAudience = 1 + (long) Math.floor(RUN_MILLIS / (LIFETIME.toMillis() / 2.0));
		long totalMinted = 0;
		StringBuilder perAudience = new StringBuilder();
		boolean exact = true;
		for (int i = 0; i < audiences.length; i++) {
			totalMinted += minted[i];
			String audience = audiences[i];
			long seen = timed.firstSeen.values().stream().filter((f) -> f.audience.equals(audience)).count();
			perAudience.append(i == 0 ? "" : "; ")
				.append("`")
				.append(audiences[i])
				.append("`: minted ")
				.append(minted[i])
				.append(", distinct tokens seen by callers ")
				.append(seen);
			exact &= minted[i] == expectedPerAudience;
		}
		long expected = expectedPerAudience * audiences.length;
		report.figure("Mints during the run", "emulator `idTokensMinted` / expected", totalMinted + " / " + expected,
				"per audience: " + minted[0] + (minted.length > 1 ? ", " : "") + joinRest(minted), "equal, exactly",
				exact);
		report.detail("Expected mints = audiences × (1 + ⌊run / (lifetime/2)⌋) = " + audiences.length + " × (1 + ⌊"
				+ (RUN_MILLIS / 1000.0) + " s / " + (LIFETIME.toSeconds() / 2.0) + " s⌋) = " + expected
				+ ": one initial mint per audience, then one background refresh each time a token reaches "
				+ "`exp − min(refresh-before-expiry, lifetime/2)`. " + perAudience + ". Mints in the second after "
				+ "the load stopped: " + (mintedLater - totalMinted) + ".");
		// refresh events: when a new (non-first) token first reached a caller
		List<FirstSeen> events = new ArrayList<>(timed.firstSeen.values());
		events.sort(Comparator.comparingLong((FirstSeen f) -> f.nanos));
		Map<String, Boolean> firstOfAudience = new ConcurrentHashMap<>();
		List<Long> refreshes = new ArrayList<>();
		for (FirstSeen event : events) {
			if (firstOfAudience.putIfAbsent(event.audience, true) == null) {
				continue;
			}
			refreshes.add((event.nanos - origin) / 1_000_000);
		}
		List<Long> windows = new ArrayList<>();
		for (long at : refreshes) {
			if (windows.isEmpty() || at - windows.get(windows.size() - 1) > 1000) {
				windows.add(at);
			}
		}
		Histogram steady = new Histogram(3);
		Histogram steadyToken = new Histogram(3);
		List<Histogram> around = new ArrayList<>();
		List<Histogram> aroundToken = new ArrayList<>();
		for (int i = 0; i < windows.size(); i++) {
			around.add(new Histogram(3));
			aroundToken.add(new Histogram(3));
		}
		long total = 0;
		for (int t = 0; t < counts.length; t++) {
			for (int n = 0; n < counts[t]; n++) {
				total++;
				long startMillis = starts[t][n] / 1_000_000;
				long micros = Math.max(1, latencies[t][n] / 1000);
				long tokenMicros = Math.max(1, tokenLatencies[t][n] / 1000);
				int window = -1;
				long nearest = Long.MAX_VALUE;
				for (int w = 0; w < windows.size(); w++) {
					long distance = Math.abs(startMillis - windows.get(w));
					nearest = Math.min(nearest, distance);
					if (distance <= WINDOW_HALF_MILLIS) {
						window = w;
					}
				}
				if (window >= 0) {
					around.get(window).recordValue(micros);
					aroundToken.get(window).recordValue(tokenMicros);
				}
				else if (startMillis >= 1000 && nearest > 1000) {
					steady.recordValue(micros);
					steadyToken.recordValue(tokenMicros);
				}
			}
		}
		double steadyP99 = steady.getValueAtPercentile(99);
		List<Double> ratios = new ArrayList<>();
		StringBuilder perWindow = new StringBuilder();
		long worstTokenMax = 0;
		for (int w = 0; w < windows.size(); w++) {
			Histogram h = around.get(w);
			double ratio = h.getValueAtPercentile(99) / steadyP99;
			ratios.add(ratio);
			worstTokenMax = Math.max(worstTokenMax, aroundToken.get(w).getMaxValue());
			perWindow.append(w == 0 ? "" : ", ")
				.append("t=")
				.append(Stats.fmt(windows.get(w) / 1000.0, 2))
				.append(" s: p99 ")
				.append(h.getValueAtPercentile(99))
				.append(" µs (n=")
				.append(h.getTotalCount())
				.append(")");
		}
		if (ratios.isEmpty()) {
			throw new IllegalStateException("No refresh was observed");
		}
		Stats windowRatios = Stats.of(ratios);
		report.figure("p99 latency around refreshes", "p99 in refresh window / steady-state p99",
				"worst " + Stats.fmt(windowRatios.max(), 2),
				"median " + windowRatios.median(2) + ", range " + windowRatios.spread(2), "<= 2.0 in every window",
				windowRatios.max() <= 2.0);
		report.detail("Calls: " + total + " recorded (" + result.completed() + " completed, " + result.errors()
				+ " failed) in " + Stats.fmt(result.elapsedNanos() / 1e9, 1) + " s; steady-state p50 "
				+ steady.getValueAtPercentile(50) + " µs, p99 " + (long) steadyP99 + " µs, max " + steady.getMaxValue()
				+ " µs (n=" + steady.getTotalCount() + "). Refresh windows: " + perWindow + ".");
		report.detail("Time inside `IdTokenSource.token()` (as called by the interceptor): steady p99 "
				+ steadyToken.getValueAtPercentile(99) + " µs, max " + steadyToken.getMaxValue()
				+ " µs; worst max within a refresh window " + worstTokenMax + " µs. A caller that waited for a mint "
				+ "would show the mint's duration here (several ms).");
		report.note("With 64 threads on 2 cores the latency is mostly queueing for a CPU, and the tail includes "
				+ "preemption; the ratio compares windows of the same run. The background mint (an HTTP request and "
				+ "an RS256 signature in the in-process emulator) competes for the same 2 cores.");
	}

	private static String joinRest(long[] values) {
		StringBuilder out = new StringBuilder();
		for (int i = 1; i < values.length; i++) {
			out.append(i == 1 ? "" : ", ").append(values[i]);
		}
		return out.toString();
	}

	/**
	 * Wraps the source to time {@code token()} and record when each token first reached a
	 * caller.
	 */
	static final class TimedSource implements IdTokenSource {

		static final ThreadLocal<long[]> LAST = ThreadLocal.withInitial(() -> new long[1]);

		final Map<String, FirstSeen> firstSeen = new ConcurrentHashMap<>();

		private final IdTokenSource delegate;

		TimedSource(IdTokenSource delegate) {
			this.delegate = delegate;
		}

		@Override
		public String token(String audience) {
			long start = System.nanoTime();
			String token = this.delegate.token(audience);
			long end = System.nanoTime();
			LAST.get()[0] = end - start;
			if (!this.firstSeen.containsKey(token)) {
				this.firstSeen.putIfAbsent(token, new FirstSeen(audience, end));
			}
			return token;
		}

		@Override
		public CompletableFuture<String> tokenAsync(String audience) {
			return this.delegate.tokenAsync(audience);
		}

	}

	record FirstSeen(String audience, long nanos) {
	}

}
