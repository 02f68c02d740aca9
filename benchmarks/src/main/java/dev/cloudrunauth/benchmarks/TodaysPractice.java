package dev.cloudrunauth.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;

import com.google.auth.oauth2.ComputeEngineCredentials;
import com.google.auth.oauth2.IdTokenCredentials;
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
import dev.cloudrunauth.test.LoopbackServer;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;

import org.springframework.web.client.RestClient;

/**
 * 2. The pattern of Google's documentation, a new {@code IdTokenCredentials} refreshed
 * (one mint) per request, against the starter's cached token.
 */
final class TodaysPractice {

	static final String AUDIENCE = "https://backend-123456789012.us-central1.run.app";

	static final int THREADS = 4;

	static final Duration ROUND = Duration.ofMillis(1000);

	static final int WARMUP_ROUNDS = 3;

	static final int ROUNDS = 8;

	private TodaysPractice() {
	}

	static Report run(Context context) {
		Report report = new Report("2", "Against today's practice (a mint per request)");
		report.method("Both variants call `GET /api/hello` on the loopback server with a RestClient from " + THREADS
				+ " threads. *Docs pattern*: per request, as in Google's documentation, "
				+ "`IdTokenCredentials.newBuilder().setIdTokenProvider((IdTokenProvider) credentials)"
				+ ".setTargetAudience(aud).build()`, `refresh()` (one mint from the emulator's metadata server through "
				+ "`ComputeEngineCredentials`), then the call with `Authorization: Bearer`. *Starter*: the interceptor "
				+ "with the cached token. " + WARMUP_ROUNDS + " warm-up rounds each, then " + ROUNDS
				+ " alternating rounds of " + ROUND.toMillis() + " ms.");
		report.method("");
		report.method("The same two ways of getting the token, without the call: per iteration a new "
				+ "`IdTokenCredentials` refreshed, against `IdTokenSource.token(aud)` on the cached path, " + THREADS
				+ " threads, " + ROUNDS + " alternating rounds of " + ROUND.toMillis() + " ms (capped at 20,000,000 "
				+ "iterations).");
		try (GoogleIdentityEmulator emulator = GoogleIdentityEmulator.start();
				LoopbackServer server = LoopbackServer.builder().threads(4).recording(false).start();
				GoogleIdTokenSource source = Emulators.sourceBuilder(emulator).build()) {
			CallingTargets targets = new CallingTargets(List.of(new CallingTarget("backend",
					URI.create(server.url() + "/api"), AUDIENCE, IdTokenHeader.AUTHORIZATION)));
			RestClient starter = Emulators.restClient(server.url(),
					new IdTokenClientHttpRequestInterceptor(source, targets));
			RestClient plain = Emulators.restClient(server.url(), null);
			ComputeEngineCredentials credentials = Emulators.metadataCredentials(emulator);
			source.token(AUDIENCE);
			long[] docsCalls = new long[1];
			long mintsBefore = emulator.idTokensMinted(AUDIENCE);
			Rounds rounds = Rounds.run(List.of(new Rounds.Variant("docs pattern", (round) -> {
				Load.Result result = Load.run("docs", THREADS, 200_000, ROUND, (thread, sequence) -> {
					String token = mintAsDocumented(credentials);
					plain.get()
						.uri("/api/hello")
						.header("Authorization", "Bearer " + token)
						.retrieve()
						.body(String.class);
				});
				check("docs pattern", result);
				docsCalls[0] += result.completed();
				return result.throughput();
			}), new Rounds.Variant("starter", (round) -> {
				Load.Result result = Load.run("starter", THREADS, 500_000, ROUND,
						(thread, sequence) -> starter.get().uri("/api/hello").retrieve().body(String.class));
				check("starter", result);
				return result.throughput();
			})), WARMUP_ROUNDS, ROUNDS);
			long mints = emulator.idTokensMinted(AUDIENCE) - mintsBefore;
			Stats ratio = rounds.ratio("starter", "docs pattern");
			report.figure("Throughput, loopback call", "starter (cached) / docs pattern (mint per request)",
					ratio.median(1) + "×", ratio.spread(1), "–", null);
			Rounds tokenOnly = Rounds.run(List.of(new Rounds.Variant("docs pattern, token only", (round) -> {
				Load.Result result = Load.run("docs-token", THREADS, 200_000, ROUND, (thread, sequence) -> {
					if (mintAsDocumented(credentials).isEmpty()) {
						throw new IllegalStateException("empty token");
					}
				});
				check("docs pattern, token only", result);
				return result.throughput();
			}), new Rounds.Variant("starter, token only", (round) -> {
				Load.Result result = Load.run("starter-token", THREADS, 20_000_000, ROUND, (thread, sequence) -> {
					if (source.token(AUDIENCE).isEmpty()) {
						throw new IllegalStateException("empty token");
					}
				});
				check("starter, token only", result);
				return result.throughput();
			})), WARMUP_ROUNDS, ROUNDS);
			Stats tokenRatio = tokenOnly.ratio("starter, token only", "docs pattern, token only");
			report.figure("Getting the token, no call", "starter `token()` (cached) / docs pattern (mint)",
					Stats.fmt(tokenRatio.median(), 0) + "×", tokenRatio.spread(0), "orders of magnitude expected",
					null);
			report.detail("Token-only medians: starter " + Stats.fmt(tokenOnly.stats("starter, token only").median(), 0)
					+ " tokens/s, docs pattern " + Stats.fmt(tokenOnly.stats("docs pattern, token only").median(), 0)
					+ " tokens/s (each docs-pattern token is a mint).");
			report.detail("Throughput medians: starter " + Stats.fmt(rounds.stats("starter").median(), 0)
					+ " calls/s, docs pattern " + Stats.fmt(rounds.stats("docs pattern").median(), 0) + " calls/s.");
			report.detail(
					"Mints: " + mints + " for " + docsCalls[0] + " docs-pattern calls (one per call) and none for the "
							+ "starter's calls (its one token was minted before the rounds).");
			report.note("The emulator mints in-process: one loopback HTTP request plus an RS256 signature (about a "
					+ "millisecond of CPU here), on the same 2 cores as the client. A real metadata server answers in "
					+ "roughly 1–10 ms and the IAM Credentials API (impersonation) in tens of ms, so on Cloud Run the "
					+ "gap is at least this large; the docs pattern also puts a metadata-server round trip into every "
					+ "request's latency and fails the call whenever the metadata server hiccups.");
		}
		return report;
	}

	private static void check(String name, Load.Result result) {
		if (result.errors() > 0) {
			throw new IllegalStateException(name + ": " + result.errors() + " failed calls", result.firstError());
		}
	}

	/**
	 * Google's documented pattern: a new {@code IdTokenCredentials} per request,
	 * refreshed, so one mint each time.
	 */
	private static String mintAsDocumented(ComputeEngineCredentials credentials) {
		IdTokenCredentials tokenCredential = IdTokenCredentials.newBuilder()
			.setIdTokenProvider(credentials)
			.setTargetAudience(AUDIENCE)
			.build();
		try {
			tokenCredential.refresh();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return tokenCredential.getIdToken().getTokenValue();
	}

}
