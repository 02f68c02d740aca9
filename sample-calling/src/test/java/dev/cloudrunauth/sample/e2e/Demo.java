package dev.cloudrunauth.sample.e2e;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;

/**
 * The README's first command ({@code ./demo}): a public calling service calls a private
 * receiving service with a Google ID token, all on 127.0.0.1 with the local Google
 * identity emulator, then the receiving service refuses what it must refuse. Prints a
 * transcript of the story only: the services log to files under
 * {@code sample-calling/target/demo} (the library at DEBUG), whose last lines it prints
 * when a step goes wrong. Stops everything it started (also on Ctrl-C or failure), and
 * exits with status 1 unless every step happened as stated.
 */
public final class Demo {

	private static final PrintStream out = System.out;

	private static final String RECEIVING = "sample-receiving";

	private static final String CALLING = "sample-calling";

	private static final int LOG_TAIL_LINES = 30;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private final List<String> failures = new ArrayList<>();

	private int step;

	private Demo() {
	}

	public static void main(String[] args) throws Exception {
		Path project = Path.of((args.length > 0) ? args[0] : ".").toAbsolutePath().normalize();
		if (!new Demo().run(project)) {
			// rather than an exception, which Maven would follow with its own error
			// report
			System.exit(1);
		}
	}

	private boolean run(Path project) throws Exception {
		Path logs = emptyLogDirectory(project.resolve(CALLING).resolve("target").resolve("demo"));
		out.println();
		out.println("cloudrun-auth demo: a public calling service calls a private receiving service with a Google ID");
		out.println("token. Everything runs on 127.0.0.1; a local emulator stands in for Google (no account needed).");
		out.println();
		GoogleIdentityEmulator emulator = GoogleIdentityEmulator.builder()
			.serviceAccount(SampleServices.CALLER)
			.projectId("demo-project")
			.start();
		SampleServices services = SampleServices.with(emulator, new ProcessLauncher(project, false))
			.debugLogging()
			.logTo(logs);
		Thread cleanup = new Thread(() -> {
			out.println();
			out.println("Interrupted: stopping the services and the emulator.");
			stop(services, emulator);
		}, "demo-cleanup");
		Runtime.getRuntime().addShutdownHook(cleanup);
		boolean interrupted = false;
		try {
			story(services, emulator);
		}
		finally {
			try {
				Runtime.getRuntime().removeShutdownHook(cleanup);
			}
			catch (IllegalStateException ex) {
				// Ctrl-C: the hook stops everything
				interrupted = true;
			}
			if (!interrupted) {
				if (this.step == 0) {
					out.println();
				}
				out.println("Stopping the services and the emulator.");
				stop(services, emulator);
			}
		}
		return !interrupted && finish();
	}

	private void story(SampleServices services, GoogleIdentityEmulator emulator) {
		out.println("Google identity emulator: metadata server " + emulator.metadataHost() + ", signing keys "
				+ emulator.jwkSetUri());
		out.println("Starting the receiving service (accepts its own URL as audience, keys from the emulator) ...");
		String receiving = start(services, RECEIVING, services::startReceiving);
		if (receiving == null) {
			return;
		}
		out.println("  receiving: " + receiving + "   callers: " + SampleServices.ALLOWED_CALLERS
				+ "   report readers: " + SampleServices.REPORT_READER);
		out.println("  log:       " + services.logFile(RECEIVING));
		out.println("Starting the calling service (GCE_METADATA_HOST=" + emulator.metadataHost()
				+ ", as on Cloud Run) ...");
		String calling = start(services, CALLING, () -> services.startCalling());
		if (calling == null) {
			return;
		}
		out.println("  calling:   " + calling + "   identity: " + SampleServices.CALLER);
		out.println("  log:       " + services.logFile(CALLING));
		out.println();

		check(services, "GET " + calling + "/", "the calling service calls receiving /hello with an ID token",
				() -> get(calling + "/", null), 200,
				(body) -> body.equals("Response from receiving service: Hello, " + SampleServices.CALLER + "!"),
				CALLING, RECEIVING);
		check(services, "GET " + calling + "/reports", "receiving allows /reports only to report readers",
				() -> get(calling + "/reports", null), 403, (body) -> true, CALLING, RECEIVING);
		check(services, "GET " + receiving + "/hello", "directly, without a token",
				() -> get(receiving + "/hello", null), 401, (body) -> true, RECEIVING);
		check(services, "GET " + receiving + "/hello",
				"directly, with a token minted for https://another-service.example",
				() -> getWithToken(receiving + "/hello",
						get(emulator.metadataUri()
								+ "/computeMetadata/v1/instance/service-accounts/default/identity?format=full"
								+ "&audience=https://another-service.example", "metadata")
							.body()),
				401, (body) -> true, RECEIVING);
		check(services, "GET " + receiving + "/hello",
				"directly, with a Google-signed token for receiving from " + SampleServices.OUTSIDER
						+ " (any service account can mint one)",
				() -> getWithToken(receiving + "/hello",
						emulator.idToken(receiving)
							.serviceAccount(emulator.serviceAccount(SampleServices.OUTSIDER))
							.sign()),
				403, (body) -> true, RECEIVING);
	}

	private String start(SampleServices services, String sample, Supplier<String> start) {
		try {
			return start.get();
		}
		catch (RuntimeException ex) {
			// the first line says what was awaited and whether it exited; the log, which
			// follows, says why
			String reason = String.valueOf(ex.getMessage()).lines().findFirst().orElse(ex.toString());
			out.println("  " + sample + " did not start: " + reason.replaceFirst("; output:$", ""));
			printLogTail(services, sample);
			this.failures.add(sample + " did not start");
			return null;
		}
	}

	private boolean finish() {
		out.println();
		if (!this.failures.isEmpty()) {
			out.println("Demo failed: " + String.join("; ", this.failures) + ".");
			return false;
		}
		out.println("All " + this.step + " steps behaved as expected.");
		return true;
	}

	private void check(SampleServices services, String request, String what, Callable<HttpResponse<String>> exchange,
			int expectedStatus, Predicate<String> expectedBody, String... relevantSamples) {
		this.step++;
		out.println(this.step + ". " + request);
		out.println("   (" + what + ")");
		boolean ok;
		try {
			HttpResponse<String> response = exchange.call();
			ok = response.statusCode() == expectedStatus && expectedBody.test(response.body());
			String answer = response.body().isEmpty() ? response.headers()
				.firstValue("WWW-Authenticate")
				.map((value) -> "WWW-Authenticate: " + value)
				.orElse("(no body)") : response.body();
			out.println("   -> " + response.statusCode() + " " + answer);
			if (!ok) {
				this.failures.add("step " + this.step + " answered " + response.statusCode());
			}
		}
		catch (Exception ex) {
			ok = false;
			out.println("   -> no answer: " + ex);
			this.failures.add("step " + this.step + " got no answer");
		}
		out.println("   " + (ok ? "as expected" : "NOT AS EXPECTED: wanted " + expectedStatus));
		if (!ok) {
			for (String sample : relevantSamples) {
				printLogTail(services, sample);
			}
		}
		out.println();
	}

	private static void printLogTail(SampleServices services, String sample) {
		Path log = services.logFile(sample);
		String text = read(log);
		String source = log.toString();
		if (text.isBlank()) {
			// it stopped before logging started, or cannot write there: what it printed
			// tells why
			text = services.output(sample);
			source = "the output of " + sample;
		}
		List<String> lines = text.lines().toList();
		out.println("   Last lines of " + source + ":");
		lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size())
			.forEach((line) -> out.println("   | " + line));
	}

	private static String read(Path log) {
		try {
			return Files.isRegularFile(log) ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8) : "";
		}
		catch (IOException ex) {
			return "";
		}
	}

	private HttpResponse<String> get(String url, String flavor) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
		if (flavor != null) {
			request.header("Metadata-Flavor", "Google");
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> getWithToken(String url, String token) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create(url))
			.timeout(Duration.ofSeconds(30))
			.header("Authorization", "Bearer " + token)
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static Path emptyLogDirectory(Path directory) {
		try {
			Files.createDirectories(directory);
			// the services append to their logs: the tails printed on failure must be
			// this run's
			try (Stream<Path> files = Files.list(directory)) {
				for (Path file : files.filter(Files::isRegularFile).toList()) {
					Files.delete(file);
				}
			}
			return directory;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void stop(SampleServices services, GoogleIdentityEmulator emulator) {
		services.close();
		emulator.close();
	}

}
