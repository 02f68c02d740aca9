package dev.cloudrunauth.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.cloudrunauth.benchmarks.streaming.app.StreamingClientApplication;
import dev.cloudrunauth.benchmarks.support.ChildJvm;
import dev.cloudrunauth.benchmarks.support.Console;
import dev.cloudrunauth.benchmarks.support.DiscardServer;
import dev.cloudrunauth.benchmarks.support.Report;
import dev.cloudrunauth.benchmarks.support.Stats;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;

/**
 * 9. A large request body streamed to a target: peak heap of the calling JVM with and
 * without the calling starter, through Boot's {@code RestClient.Builder} on each request
 * factory, and through a hand-made {@code RestClient} with the starter's interceptor.
 */
final class StreamedBody {

	static final long BYTES = 200L * 1024 * 1024;

	static final int ROUNDS = 2;

	static final List<String> JVM = List.of("-Xmx768m", "-Xms64m", "-Xmn16m", "-XX:+UseSerialGC");

	private static final Pattern LINE = Pattern.compile(
			"peakBytes=(\\d+) baselineBytes=(\\d+) maxHeapBytes=(\\d+) millis=(\\d+) status=(\\S+) factory=(\\S+)");

	private StreamedBody() {
	}

	/**
	 * One client configuration, run on a class path without the starter and on one with
	 * it.
	 *
	 * @param name what it is
	 * @param factory {@code spring.http.clients.imperative.factory}, or {@code null} for
	 * Boot's choice
	 * @param client {@code stream.client}
	 * @param body {@code stream.body}
	 * @param addon an extra class path module, or {@code null}
	 */
	record Case(String name, String factory, String client, String body, String addon) {
	}

	/**
	 * What one run reported.
	 */
	record Run(double peakMb, double addedMb, long millis, String status, String factory,
			DiscardServer.Received received) {
	}

	static Report run(Context context) throws IOException {
		Report report = new Report("9", "Streamed request body");
		report.method("A Spring Boot app without a web server (fresh JVM, `" + String.join(" ", JVM) + "`: a heap that "
				+ "a buffered copy of the body fits in, and a small fixed young generation so that the garbage of "
				+ "streaming does not pass for retained memory) POSTs " + (BYTES / 1024 / 1024) + " MB to a JDK "
				+ "`HttpServer` on 127.0.0.1 in the harness, which reads the body in 64 KB pieces and discards it. The "
				+ "body is written from one reused 64 KB array (`body(StreamingHttpOutputMessage.Body)`), or read "
				+ "from an `InputStreamResource` of a generated stream; neither holds the body. After one small call "
				+ "(token minted, classes loaded) and `System.gc()`, the heap pools' peaks are reset, the large call "
				+ "is made, and the sum of the heap pools' peak usage is read (`MemoryPoolMXBean`). *Without*: the "
				+ "class path of an app with `spring-boot-starter-restclient`; *with*: the calling starter with one "
				+ "target, the loopback server (token from the emulator's metadata server). Each case alternates "
				+ "without/with, " + ROUNDS + " rounds. The server records how the body was framed: a streamed body "
				+ "arrives chunked, a buffered one with its `Content-Length`.");
		List<Case> cases = List.of(
				new Case("Boot RestClient.Builder, JDK HttpClient (Boot's default)", null, "boot", "streaming", null),
				new Case("Boot RestClient.Builder, JDK HttpClient, InputStreamResource body", null, "boot", "resource",
						null),
				new Case("Boot RestClient.Builder, `factory=simple` (HttpURLConnection)", "simple", "boot", "streaming",
						null),
				new Case("Boot RestClient.Builder, `factory=reactor` (Reactor Netty)", "reactor", "boot", "streaming",
						"reactor-netty"));
		Map<String, List<Run>> runs = new LinkedHashMap<>();
		try (GoogleIdentityEmulator emulator = GoogleIdentityEmulator.start();
				DiscardServer server = new DiscardServer()) {
			Path gcloud = Files.createTempDirectory("streaming-gcloud-config");
			for (int round = 0; round < ROUNDS; round++) {
				for (Case c : cases) {
					boolean withFirst = round % 2 == 1;
					for (boolean with : withFirst ? List.of(true, false) : List.of(false, true)) {
						String key = c.name() + (with ? " | with" : " | without");
						runs.computeIfAbsent(key, (k) -> new ArrayList<>())
							.add(launch(context, emulator, server, gcloud, c, with ? "calling" : "restclient",
									c.client()));
					}
				}
				// the hand-made RestClient: with the starter's public interceptor, and
				// without it
				for (String client : (round % 2 == 0) ? List.of("hand", "hand-interceptor")
						: List.of("hand-interceptor", "hand")) {
					Case c = new Case("Hand-made RestClient (JdkClientHttpRequestFactory)", null, client, "streaming",
							null);
					runs.computeIfAbsent(client, (k) -> new ArrayList<>())
						.add(launch(context, emulator, server, gcloud, c, "calling", client));
				}
			}
		}
		for (Case c : cases) {
			List<Run> without = runs.get(c.name() + " | without");
			List<Run> with = runs.get(c.name() + " | with");
			figure(report, c.name(), without, with, "without", "with starter");
		}
		figure(report, "Hand-made RestClient: + `IdTokenClientHttpRequestInterceptor` / without", runs.get("hand"),
				runs.get("hand-interceptor"), "hand-made", "with the interceptor");
		for (Map.Entry<String, List<Run>> entry : runs.entrySet()) {
			Run last = entry.getValue().get(entry.getValue().size() - 1);
			report.detail(entry.getKey().replace(" | ", ": ") + ": peak heap " + peaks(entry.getValue())
					+ " MB (above the baseline before the call: " + added(entry.getValue()) + " MB), " + last.millis()
					+ " ms, " + last.status() + "; request factory built by Boot's builder bean: `" + last.factory()
					+ "`; the server received " + last.received().bytes() + " bytes, framed `"
					+ last.received().framing() + "`, " + (last.received().authorization() ? "with" : "without")
					+ " `Authorization`.");
		}
		report.note("A body streamed through the starter's request factory (`CallingTargetsClientHttpRequestFactory`, "
				+ "which wraps each request to a target in `IdTokenClientHttpRequest`, a `StreamingHttpOutputMessage` "
				+ "when the client's request is one) stays streamed: the header is added when the request is executed, "
				+ "before the body is written.");
		report.note("`ClientHttpRequestInterceptor`s make Spring wrap the request factory in an "
				+ "`InterceptingClientHttpRequestFactory`, whose `InterceptingClientHttpRequest` extends "
				+ "`AbstractBufferingClientHttpRequest`: it collects the whole body in memory (a "
				+ "`FastByteArrayOutputStream`, then one array of the body's size), hands the array to the "
				+ "interceptors, and copies it into the real request. That is Spring's behaviour for any interceptor, "
				+ "not the starter's; Boot's builders do not use the interceptor. A hand-made client that streams large "
				+ "bodies should use `CallingTargetsClientHttpRequestFactory` (public) instead of the interceptor.");
		return report;
	}

	private static void figure(Report report, String name, List<Run> without, List<Run> with, String a, String b) {
		List<Double> ratios = new ArrayList<>();
		for (int i = 0; i < Math.min(without.size(), with.size()); i++) {
			ratios.add(with.get(i).peakMb() / without.get(i).peakMb());
		}
		Stats ratio = Stats.of(ratios);
		boolean streamed = with.stream().allMatch((run) -> run.received().framing().equals("chunked"));
		report.figure(name, "peak heap, " + b + " / " + a + " (MB: " + peaks(with) + " / " + peaks(without) + ")",
				ratio.median(2),
				ratio.spread(2) + "; " + b + ": body "
						+ (streamed ? "streamed (chunked)"
								: "framed `" + with.get(with.size() - 1).received().framing() + "`"),
				b.equals("with starter") ? "≈ 1 (not buffered)" : "–",
				b.equals("with starter") ? ratio.max() < 1.5 && streamed : null);
	}

	private static String peaks(List<Run> runs) {
		return String.join(", ", runs.stream().map((run) -> Stats.fmt(run.peakMb(), 0)).toList());
	}

	private static String added(List<Run> runs) {
		return String.join(", ", runs.stream().map((run) -> Stats.fmt(run.addedMb(), 0)).toList());
	}

	private static Run launch(Context context, GoogleIdentityEmulator emulator, DiscardServer server, Path gcloud,
			Case c, String module, String client) {
		List<String> options = new ArrayList<>(JVM);
		options.add("-Dstream.client=" + client);
		options.add("-Dstream.body=" + c.body());
		options.add("-Dstream.url=" + server.baseUrl() + "/upload");
		options.add("-Dstream.bytes=" + BYTES);
		List<String> arguments = new ArrayList<>();
		if (c.factory() != null) {
			arguments.add("--spring.http.clients.imperative.factory=" + c.factory());
		}
		if (module.equals("calling")) {
			arguments.add("--cloudrun.auth.calling.targets.sink.url=" + server.baseUrl());
			arguments
				.add("--cloudrun.auth.calling.targets.sink.audience=https://sink-123456789012.us-central1.run.app");
		}
		String classpath = (c.addon() != null) ? context.appClasspath(module, c.addon()) : context.appClasspath(module);
		ChildJvm.Result result = new ChildJvm(classpath, StreamingClientApplication.class.getName()).jvmOptions(options)
			.arguments(arguments)
			.environment("GCE_METADATA_HOST", emulator.metadataHost())
			.environment("CLOUDSDK_CONFIG", gcloud.toString())
			.run();
		String line = result.line("STREAM ");
		Matcher found = (line != null) ? LINE.matcher(line) : null;
		if (found == null || !found.find()) {
			throw new IllegalStateException(
					"The streaming client did not report (" + c + ", " + module + "):\n" + result.output());
		}
		DiscardServer.Received received = server.last();
		double mb = 1024.0 * 1024;
		Run run = new Run(Long.parseLong(found.group(1)) / mb,
				(Long.parseLong(found.group(1)) - Long.parseLong(found.group(2))) / mb, Long.parseLong(found.group(4)),
				found.group(5), found.group(6), received);
		Console.log("    %-70s %-10s peak %4.0f MB, %s, %s", c.name() + " / " + client, module, run.peakMb(),
				received.framing(), run.status());
		return run;
	}

}
