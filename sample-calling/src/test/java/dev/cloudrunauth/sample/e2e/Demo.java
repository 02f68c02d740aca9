package dev.cloudrunauth.sample.e2e;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;

/**
 * The README's first command ({@code ./demo}): a public calling service calls a private receiving service with a
 * Google ID token, all on 127.0.0.1 with the local Google identity emulator, then the receiving service refuses what
 * it must refuse. Prints a transcript, stops everything it started (also on Ctrl-C or failure), and fails unless
 * every step happened as stated.
 */
public final class Demo {

	private static final PrintStream out = System.out;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private final List<String> failures = new ArrayList<>();

	private int step;

	private Demo() {
	}

	public static void main(String[] args) throws Exception {
		Path project = Path.of((args.length > 0) ? args[0] : ".").toAbsolutePath().normalize();
		new Demo().run(project);
	}

	private void run(Path project) throws Exception {
		out.println();
		out.println("cloudrun-auth demo: a public calling service calls a private receiving service with a Google ID");
		out.println("token. Everything runs on 127.0.0.1; a local emulator stands in for Google (no account needed).");
		out.println();
		GoogleIdentityEmulator emulator = GoogleIdentityEmulator.builder()
			.serviceAccount(SampleServices.CALLER)
			.projectId("demo-project")
			.start();
		SampleServices services = SampleServices.with(emulator, new ProcessLauncher(project, false));
		Thread cleanup = new Thread(() -> stop(services, emulator), "demo-cleanup");
		Runtime.getRuntime().addShutdownHook(cleanup);
		try {
			out.println("Google identity emulator: metadata server " + emulator.metadataHost() + ", signing keys "
					+ emulator.jwkSetUri());
			out.println("Starting the receiving service (accepts its own URL as audience, keys from the emulator) ...");
			String receiving = services.startReceiving();
			out.println("  receiving: " + receiving + "   callers: " + SampleServices.ALLOWED_CALLERS
					+ "   report readers: " + SampleServices.REPORT_READER);
			out.println("Starting the calling service (GCE_METADATA_HOST=" + emulator.metadataHost()
					+ ", as on Cloud Run) ...");
			String calling = services.startCalling();
			out.println("  calling:   " + calling + "   identity: " + SampleServices.CALLER);
			out.println();

			check("GET " + calling + "/", "the calling service calls receiving /hello with an ID token",
					get(calling + "/", null), 200,
					(body) -> body.equals("Response from receiving service: Hello, " + SampleServices.CALLER + "!"));
			check("GET " + calling + "/reports", "receiving allows /reports only to report readers",
					get(calling + "/reports", null), 403, (body) -> true);
			check("GET " + receiving + "/hello", "directly, without a token", get(receiving + "/hello", null), 401,
					(body) -> true);
			String otherAudience = get(emulator.metadataUri()
					+ "/computeMetadata/v1/instance/service-accounts/default/identity?format=full"
					+ "&audience=https://another-service.example", "metadata").body();
			check("GET " + receiving + "/hello", "directly, with a token minted for https://another-service.example",
					getWithToken(receiving + "/hello", otherAudience), 401, (body) -> true);
			String outsider = emulator.idToken(receiving)
				.serviceAccount(emulator.serviceAccount(SampleServices.OUTSIDER))
				.sign();
			check("GET " + receiving + "/hello",
					"directly, with a Google-signed token for receiving from " + SampleServices.OUTSIDER
							+ " (any service account can mint one)",
					getWithToken(receiving + "/hello", outsider), 403, (body) -> true);
		}
		finally {
			Runtime.getRuntime().removeShutdownHook(cleanup);
			out.println();
			out.println("Stopping the services and the emulator.");
			stop(services, emulator);
		}
		out.println();
		if (!this.failures.isEmpty()) {
			throw new IllegalStateException("Demo failed: " + String.join("; ", this.failures));
		}
		out.println("All " + this.step + " steps behaved as expected.");
	}

	private void check(String request, String what, HttpResponse<String> response, int expectedStatus,
			Predicate<String> expectedBody) {
		this.step++;
		boolean ok = response.statusCode() == expectedStatus && expectedBody.test(response.body());
		out.println(this.step + ". " + request);
		out.println("   (" + what + ")");
		String answer = response.body().isEmpty()
				? response.headers().firstValue("WWW-Authenticate").map((value) -> "WWW-Authenticate: " + value)
					.orElse("(no body)")
				: response.body();
		out.println("   -> " + response.statusCode() + " " + answer);
		out.println("   " + (ok ? "as expected" : "NOT AS EXPECTED: wanted " + expectedStatus));
		out.println();
		if (!ok) {
			this.failures.add("step " + this.step + " answered " + response.statusCode());
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

	private static void stop(SampleServices services, GoogleIdentityEmulator emulator) {
		services.close();
		emulator.close();
	}

}
