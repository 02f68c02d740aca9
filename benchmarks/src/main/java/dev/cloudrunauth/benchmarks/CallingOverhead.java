package dev.cloudrunauth.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import dev.cloudrunauth.benchmarks.jmh.InterceptorBenchmark;
import dev.cloudrunauth.benchmarks.jmh.JmhRounds;
import dev.cloudrunauth.benchmarks.support.Console;
import dev.cloudrunauth.benchmarks.support.Emulators;
import dev.cloudrunauth.benchmarks.support.Load;
import dev.cloudrunauth.benchmarks.support.Report;
import dev.cloudrunauth.benchmarks.support.Rounds;
import dev.cloudrunauth.benchmarks.support.Stats;
import dev.cloudrunauth.calling.CallingTarget;
import dev.cloudrunauth.calling.CallingTargets;
import dev.cloudrunauth.calling.GoogleIdTokenSource;
import dev.cloudrunauth.calling.IdTokenClientHttpRequestInterceptor;
import dev.cloudrunauth.calling.IdTokenHeader;
import dev.cloudrunauth.test.LoopbackResponse;
import dev.cloudrunauth.test.LoopbackServer;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.web.client.RestClient;

/**
 * 1. What the interceptor adds to a call: RestClient to a loopback server with and without it, the interceptor's own
 * cost in JMH, and a check that the cached path takes no lock.
 */
final class CallingOverhead {

	static final String AUDIENCE = "https://backend-123456789012.us-central1.run.app";

	static final int THREADS = 4;

	static final Duration ROUND = Duration.ofMillis(500);

	static final int WARMUP_ROUNDS = 12;

	static final int ROUNDS = 40;

	private CallingOverhead() {
	}

	static Report run(Context context) {
		Report report = new Report("1", "Calling overhead");
		report.method("A `RestClient` (JDK `HttpClient`, HTTP/1.1) calls `GET /api/hello` on a JDK `HttpServer` on "
				+ "127.0.0.1 (4 server threads), from " + THREADS + " client threads, closed loop. Variant *with*: "
				+ "the starter's `IdTokenClientHttpRequestInterceptor` for a target covering `/api` (token minted "
				+ "once from the emulator's metadata server before the rounds, then cached); variant *without*: the "
				+ "same RestClient without the interceptor; and, to split the cost, *header by hand*: the RestClient "
				+ "without the interceptor sending the same `Authorization: Bearer <token>` header itself. "
				+ WARMUP_ROUNDS + " warm-up rounds each, then " + ROUNDS + " rounds of "
				+ ROUND.toMillis() + " ms each (capped at 500,000 calls), order rotating.");
		report.method("");
		report.method("JMH: `intercept()` with a no-op execution and the token cached vs a pass-through interceptor "
				+ "on the same new request (" + JmhRounds.settings() + "), 3 rounds.");
		LongAdder authorized = new LongAdder();
		try (GoogleIdentityEmulator emulator = GoogleIdentityEmulator.start();
				LoopbackServer server = countingAuthorization(authorized);
				GoogleIdTokenSource source = Emulators.sourceBuilder(emulator).build()) {
			CallingTargets targets = new CallingTargets(List.of(new CallingTarget("backend",
					URI.create(server.url() + "/api"), AUDIENCE, IdTokenHeader.AUTHORIZATION)));
			IdTokenClientHttpRequestInterceptor interceptor = new IdTokenClientHttpRequestInterceptor(source, targets);
			source.token(AUDIENCE);
			RestClient with = Emulators.restClient(server.url(), interceptor);
			RestClient without = Emulators.restClient(server.url(), null);
			long authorizedBefore = authorized.sum();
			String token = source.token(AUDIENCE);
			Map<String, List<Double>> cpu = new LinkedHashMap<>();
			Rounds rounds = Rounds.run(List.of(variant("with interceptor", with, null, cpu),
					variant("without", without, null, cpu), variant("header by hand", without, token, cpu)),
					WARMUP_ROUNDS, ROUNDS);
			Stats ratio = rounds.ratio("with interceptor", "without");
			Stats mechanism = rounds.ratio("with interceptor", "header by hand");
			Stats header = rounds.ratio("header by hand", "without");
			double[] interval = ratio.medianInterval();
			report.figure("RestClient throughput, loopback", "with interceptor / without", ratio.median(3),
					ratio.spread(3) + "; 95% CI of the median " + Stats.fmt(interval[0], 3) + "–"
							+ Stats.fmt(interval[1], 3),
					">= 0.97", ratio.median() >= 0.97);
			if (interval[0] < 0.97 && interval[1] >= 0.97) {
				report.note("The throughput verdict is not robust: the 95% confidence interval of the median ("
						+ Stats.fmt(interval[0], 3) + "–" + Stats.fmt(interval[1], 3) + ") contains 0.97, so another "
						+ "run on this machine can land on the other side of the target. The split in the table above "
						+ "shows where the difference per call comes from; the interceptor's own code is the JMH figure.");
			}
			List<Double> cpuRatios = new ArrayList<>();
			for (int i = 0; i < cpu.get("without").size(); i++) {
				cpuRatios.add(cpu.get("without").get(i) / cpu.get("with interceptor").get(i));
			}
			Stats cpuRatio = Stats.of(cpuRatios);
			double cpuPerCall = Stats.of(cpu.get("without")).median();
			context.put("calling.cpuPerCallMicros", cpuPerCall);
			report.figure("Calls per CPU-second, loopback (same rounds)", "with interceptor / without",
					cpuRatio.median(3), cpuRatio.spread(3), "–", null);
			report.figure("… of which sending the token", "same RestClient, header set by hand / without",
					header.median(3), header.spread(3), "–", null);
			report.figure("… of which the interceptor mechanism", "with interceptor / header set by hand",
					mechanism.median(3), mechanism.spread(3), "–", null);
			report.detail("CPU time per call (whole JVM: client, server, GC, JIT), median of rounds: with "
					+ Stats.fmt(Stats.of(cpu.get("with interceptor")).median(), 0) + " µs, header by hand "
					+ Stats.fmt(Stats.of(cpu.get("header by hand")).median(), 0) + " µs, without "
					+ Stats.fmt(cpuPerCall, 0) + " µs. Throughput also depends on what else the shared machine runs "
					+ "during a round, CPU time per call less so; both are shown.");
			if (ratio.median() < 0.97) {
				report.note("Throughput target missed by " + Stats.fmt(0.97 - ratio.median(), 3) + " (median "
						+ ratio.median(3) + "). The interceptor's own code is a fraction of a microsecond (JMH below), "
						+ "well under 0.1% of a call. The rest of the difference is what any way of authenticating "
						+ "the call pays on a do-nothing endpoint (a call costs only ~" + Stats.fmt(cpuPerCall, 0)
						+ " µs of CPU here): sending the ~1 KB token (header set by hand / without: " + header.median(3)
						+ ") and going through an interceptor at all (with / header by hand: " + mechanism.median(3)
						+ "; Spring then wraps the request factory in an `InterceptingClientHttpRequestFactory` that "
						+ "buffers the request and copies its headers into a second request). Per-round ratios range "
						+ ratio.spread(2) + ", so these parts are at the level of this machine's noise.");
			}
			report.detail("Throughput with: median " + Stats.fmt(rounds.stats("with interceptor").median(), 0)
					+ " calls/s; without: " + Stats.fmt(rounds.stats("without").median(), 0)
					+ " calls/s (absolute values are noise on this machine; only the ratio is meaningful).");
			report.detail("Mints during all rounds: " + (emulator.idTokensMinted(AUDIENCE) - 1)
					+ " (expected 0: the token was cached); requests that carried `Authorization`: "
					+ (authorized.sum() - authorizedBefore) + " of " + server.requestCount() + ".");
			lockCheck(report, source, interceptor, URI.create(server.url() + "/api/orders/42"));
		}
		Map<String, Double> allocated = new LinkedHashMap<>();
		Rounds jmh = JmhRounds.run(InterceptorBenchmark.class,
				List.of("baseline", "interceptor", "interceptorOtherHost"), 3, context.logDirectory(), allocated);
		Stats interceptorNs = jmh.stats("interceptor");
		Stats baselineNs = jmh.stats("baseline");
		Stats own = jmh.difference("interceptor", "baseline");
		Stats relative = jmh.ratio("interceptor", "baseline");
		Stats other = jmh.difference("interceptorOtherHost", "baseline");
		report.figure("Interceptor's own cost per call (JMH)", "interceptor − pass-through, ns",
				Stats.fmt(own.median(), 0) + " ns", Stats.fmt(own.min(), 0) + "–" + Stats.fmt(own.max(), 0)
						+ " ns (n=" + own.count() + ")",
				"well under 1 µs", own.max() < 500);
		Double callCpu = context.get("calling.cpuPerCallMicros");
		if (callCpu != null) {
			report.figure("Interceptor's own cost relative to a loopback call",
					"(interceptor − pass-through) / CPU time of one loopback call",
					Stats.fmt(100 * own.median() / 1000 / callCpu, 3) + " %", "call: " + Stats.fmt(callCpu, 0) + " µs",
					"–", null);
		}
		report.detail("JMH ns/op, median of rounds: pass-through " + Stats.fmt(baselineNs.median(), 1)
				+ ", interceptor " + Stats.fmt(interceptorNs.median(), 1) + ", interceptor on a request to another host "
				+ Stats.fmt(jmh.stats("interceptorOtherHost").median(), 1) + " (adds "
				+ Stats.fmt(other.median(), 0) + " ns: the target match only). Each includes creating the request and "
				+ "its `HttpHeaders`; interceptor / pass-through " + relative.median(1) + "×. Allocated per call "
				+ "(JMH GC profiler): pass-through " + Stats.fmt(allocated.getOrDefault("baseline", Double.NaN), 0)
				+ " B, interceptor " + Stats.fmt(allocated.getOrDefault("interceptor", Double.NaN), 0)
				+ " B, other host " + Stats.fmt(allocated.getOrDefault("interceptorOtherHost", Double.NaN), 0)
				+ " B. The `Bearer` header value (the token is about 1 KB) is built once per token and reused, so "
				+ "the difference is the header set on the request and the objects around it, not a copy of the "
				+ "token.");
		context.put("interceptor.ns", own.median());
		report.note("Verdict for the JMH figure: met if every round's difference is below 500 ns (\"well under\" 1 µs).");
		report.note("No lock on the cached path, by reading the code: `IdTokenClientHttpRequestInterceptor.intercept` → "
				+ "`CallingTargets.match` (a loop over an immutable list) → `GoogleIdTokenSource.token` → "
				+ "`IdTokenCache.token`, which does Caffeine's `Cache.get` (a `ConcurrentHashMap.get` and an offer "
				+ "to a lossy striped read buffer; when a buffer is full, the reader drains it under a `tryLock`, "
				+ "never waiting), `clock.millis()`, a volatile read of the entry's token, `markUsed` (a volatile "
				+ "read; a volatile write at most once per mint) and a `LongAdder.increment()` (CAS on a striped "
				+ "cell). No `synchronized`, no blocking `Lock`, no wait; the insert, Caffeine's eviction and "
				+ "`synchronized` on the entry are reached only on a miss or when (re)scheduling a refresh.");
		return report;
	}

	/**
	 * A do-nothing backend that answers {@code 200 ok} and counts the requests that carried {@code Authorization}.
	 */
	private static LoopbackServer countingAuthorization(LongAdder authorized) {
		LoopbackResponse ok = LoopbackResponse.text(200, "ok");
		return LoopbackServer.builder().threads(4).recording(false).handler((request) -> {
			if (request.header("Authorization") != null) {
				authorized.increment();
			}
			return ok;
		}).start();
	}

	private static Rounds.Variant variant(String name, RestClient client, String token,
			Map<String, List<Double>> cpu) {
		String header = (token != null) ? "Bearer " + token : null;
		return new Rounds.Variant(name, (round) -> {
			long cpuBefore = processCpuNanos();
			Load.Result result = Load.run("calling", THREADS, 500_000, ROUND, (thread, sequence) -> {
				if (header != null) {
					client.get().uri("/api/hello").header("Authorization", header).retrieve().body(String.class);
				}
				else {
					client.get().uri("/api/hello").retrieve().body(String.class);
				}
			});
			long cpuUsed = processCpuNanos() - cpuBefore;
			if (result.errors() > 0) {
				throw new IllegalStateException(name + ": " + result.errors() + " failed calls", result.firstError());
			}
			if (round >= 0) {
				cpu.computeIfAbsent(name, (key) -> new ArrayList<>()).add(cpuUsed / 1000.0 / result.completed());
			}
			return result.throughput();
		});
	}

	static long processCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	/**
	 * Confirm by measurement what the code says: threads on the cached path are never blocked on a monitor nor parked.
	 */
	private static void lockCheck(Report report, GoogleIdTokenSource source,
			IdTokenClientHttpRequestInterceptor interceptor, URI target) {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		if (!threads.isThreadContentionMonitoringSupported()) {
			report.detail("Lock check skipped: thread contention monitoring is not supported by this JVM.");
			return;
		}
		threads.setThreadContentionMonitoringEnabled(true);
		AtomicLong blocked = new AtomicLong();
		AtomicLong waited = new AtomicLong();
		int callers = 16;
		int callsEach = 200_000;
		ClientHttpResponse response = new InterceptorBenchmark.NoResponse();
		ClientHttpRequestExecution execution = (request, body) -> response;
		byte[] body = new byte[0];
		Thread[] workers = new Thread[callers];
		java.util.concurrent.CyclicBarrier warm = new java.util.concurrent.CyclicBarrier(callers);
		for (int i = 0; i < callers; i++) {
			workers[i] = new Thread(() -> {
				try {
					// first executions link call sites and initialize classes, which may briefly block
					for (int n = 0; n < 20_000; n++) {
						source.token(AUDIENCE);
						interceptor.intercept(request(target), body, execution);
					}
					warm.await();
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
				ThreadInfo before = threads.getThreadInfo(Thread.currentThread().getId());
				try {
					for (int n = 0; n < callsEach; n++) {
						source.token(AUDIENCE);
						HttpRequest request = request(target);
						interceptor.intercept(request, body, execution);
						if (!request.getHeaders().containsHeader(HttpHeaders.AUTHORIZATION)) {
							throw new IllegalStateException("no token added");
						}
					}
				}
				catch (java.io.IOException ex) {
					throw new java.io.UncheckedIOException(ex);
				}
				ThreadInfo after = threads.getThreadInfo(Thread.currentThread().getId());
				blocked.addAndGet(after.getBlockedCount() - before.getBlockedCount());
				waited.addAndGet(after.getWaitedCount() - before.getWaitedCount());
			});
			workers[i].start();
		}
		for (Thread worker : workers) {
			try {
				worker.join(60_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
		Console.log("  lock check: blocked %d, waited %d", blocked.get(), waited.get());
		report.detail("Lock check by measurement: after 20,000 warm-up calls per thread, " + callers + " threads × "
				+ callsEach
				+ " × (`IdTokenSource.token()` + `intercept()` with a no-op execution) on the cached path: monitor "
				+ "blocks (`ThreadInfo.getBlockedCount`) "
				+ blocked.get() + ", waits/parks (`getWaitedCount`) " + waited.get() + " (both 0 means no lock was "
				+ "contended and no thread ever waited).");
	}

	static HttpRequest request(URI uri) {
		HttpHeaders headers = new HttpHeaders();
		return new HttpRequest() {
			@Override
			public HttpMethod getMethod() {
				return HttpMethod.GET;
			}

			@Override
			public URI getURI() {
				return uri;
			}

			@Override
			public java.util.Map<String, Object> getAttributes() {
				return new java.util.HashMap<>();
			}

			@Override
			public HttpHeaders getHeaders() {
				return headers;
			}
		};
	}

}
