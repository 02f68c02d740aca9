package dev.cloudrunauth.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.cloudrunauth.benchmarks.startup.allowcallers.AllowCallersStartupApplication;
import dev.cloudrunauth.benchmarks.startup.app.StartupApplication;
import dev.cloudrunauth.benchmarks.startup.handsecurity.HandMethodSecurity;
import dev.cloudrunauth.benchmarks.startup.secured.SecuredStartupApplication;
import dev.cloudrunauth.benchmarks.support.ChildJvm;
import dev.cloudrunauth.benchmarks.support.Report;
import dev.cloudrunauth.benchmarks.support.Rounds;
import dev.cloudrunauth.benchmarks.support.Stats;
import dev.cloudrunauth.test.emulator.EmulatorEndpoint;
import dev.cloudrunauth.test.emulator.Fault;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;

/**
 * 7. Startup added by each starter: the same minimal web app in fresh JVMs, on the class
 * path an application of each variant would have, variants alternating round by round;
 * the per-round differences are the figures.
 */
final class StartupTime {

	static final int ROUNDS = Integer.getInteger("benchmarks.startup.rounds", 7);

	static final Duration JWKS_DELAY = Duration.ofSeconds(5);

	static final String AUDIENCE = "https://startup-123456789012.us-central1.run.app";

	static final String PLAIN = "no starter";

	static final String RESTCLIENT = "Boot's RestClient starter";

	static final String CALLING = "calling starter";

	static final String HAND = "resource server by hand";

	static final String RECEIVING = "receiving starter";

	static final String RECEIVING_NO_MS = "receiving starter, method-security=false";

	static final String RECEIVING_SPRING_MS = "receiving starter, method-security=false + @EnableMethodSecurity";

	static final String HAND_PRE = "by hand + @EnableMethodSecurity, @PreAuthorize app";

	static final String RECEIVING_PRE = "receiving starter, @PreAuthorize app";

	static final String RECEIVING_ALLOW = "receiving starter, @AllowCallers app";

	static final String DELAYED = "receiving starter, JWKS delayed 5 s";

	static final String COMBINED = "combined starter";

	private static final Pattern LINE = Pattern
		.compile("runMicros=(\\d+) uptimeMillis=(\\d+) cpuMillis=(\\d+) mainCpuMillis=(\\d+) classes=(\\d+) "
				+ "starterThreadsCpuMillis=(\\d+) (.*)");

	private StartupTime() {
	}

	static Report run(Context context) throws IOException {
		Report report = new Report("7", "Startup");
		report
			.method("A minimal Spring MVC app (Tomcat on 127.0.0.1, one `@RestController` with one `GET` endpoint) is "
					+ "started in a fresh JVM (default JVM options), which prints how long `SpringApplication.run` took, its "
					+ "CPU time and how many classes it loaded, and exits. Each variant runs on the class path Maven resolves "
					+ "for an application that declares `spring-boot-starter-webmvc` and that variant's starter (one module "
					+ "per variant in `benchmarks/classpaths/`), so no variant sees another's jars. Calling: *" + PLAIN
					+ "*, *" + RESTCLIENT + "* (`spring-boot-starter-restclient`, which the calling starter brings), *"
					+ CALLING
					+ "* (`cloudrun-auth-spring-boot-starter-calling`, one target declared). Receiving, compared "
					+ "like with like: *" + HAND + "* (`spring-boot-starter-security-oauth2-resource-server` with "
					+ "`spring.security.oauth2.resourceserver.jwt.jwk-set-uri`, `issuer-uri` and `audiences`: Boot's "
					+ "decoder with its audience validator, Boot's default filter chain; no method security, since the app "
					+ "has no `@PreAuthorize`) against *" + RECEIVING
					+ "* (`cloudrun-auth-spring-boot-starter-receiving` "
					+ "with its defaults, which include method security) and *" + RECEIVING_NO_MS
					+ "*; and an app whose " + "endpoint has `@PreAuthorize`: *" + HAND_PRE + "* against *"
					+ RECEIVING_PRE + "* and *" + RECEIVING_ALLOW + "* (the same endpoint with `@AllowCallers`). *"
					+ RECEIVING_SPRING_MS
					+ "* (Spring Security's method security without the starter's `@AllowCallers` advisor) isolates that "
					+ "advisor. *" + DELAYED + "*: the same as *" + RECEIVING
					+ "* against an emulator whose JWKS endpoint " + "answers only after " + JWKS_DELAY.toSeconds()
					+ " s. *" + COMBINED + "*: `cloudrun-auth-spring-boot-starter` "
					+ "(both sides), for comparison with earlier runs, which measured only it. `GCE_METADATA_HOST` points at an emulator in "
					+ "every child, so any metadata-server request is counted. 1 warm-up start of each variant, then "
					+ ROUNDS
					+ " rounds, the order rotating and reversing from round to round; every figure is the median "
					+ "of the per-round differences.");
		try (GoogleIdentityEmulator normal = GoogleIdentityEmulator.start();
				GoogleIdentityEmulator delayed = GoogleIdentityEmulator.start()) {
			delayed.inject(EmulatorEndpoint.JWKS, Fault.delay(JWKS_DELAY));
			Path gcloud = Files.createTempDirectory("startup-gcloud-config");
			String plainApp = StartupApplication.class.getName();
			String securedApp = SecuredStartupApplication.class.getName();
			String allowApp = AllowCallersStartupApplication.class.getName();
			List<String> hand = List.of("--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + normal.jwkSetUri(),
					"--spring.security.oauth2.resourceserver.jwt.issuer-uri=https://accounts.google.com",
					"--spring.security.oauth2.resourceserver.jwt.audiences=" + AUDIENCE);
			List<String> handMethodSecurity = List.of("-Dstartup.sources=" + HandMethodSecurity.class.getName());
			Map<String, Child> children = new LinkedHashMap<>();
			children.put(PLAIN,
					new Child(context.appClasspath("plain"), plainApp, normal, gcloud, List.of(), List.of()));
			children.put(RESTCLIENT,
					new Child(context.appClasspath("restclient"), plainApp, normal, gcloud, List.of(), List.of()));
			children.put(CALLING, new Child(context.appClasspath("calling"), plainApp, normal, gcloud, List.of(), List
				.of("--cloudrun.auth.calling.targets.backend.url=https://backend-123456789012.us-central1.run.app")));
			children.put(HAND,
					new Child(context.appClasspath("hand-resource-server"), plainApp, normal, gcloud, List.of(), hand));
			String receiving = context.appClasspath("receiving");
			children.put(RECEIVING,
					new Child(receiving, plainApp, normal, gcloud, List.of(), receivingArguments(normal)));
			children.put(RECEIVING_NO_MS, new Child(receiving, plainApp, normal, gcloud, List.of(),
					with(receivingArguments(normal), "--cloudrun.auth.receiving.method-security=false")));
			children.put(RECEIVING_SPRING_MS, new Child(receiving, plainApp, normal, gcloud, handMethodSecurity,
					with(receivingArguments(normal), "--cloudrun.auth.receiving.method-security=false")));
			children.put(HAND_PRE, new Child(context.appClasspath("hand-resource-server"), securedApp, normal, gcloud,
					handMethodSecurity, hand));
			children.put(RECEIVING_PRE,
					new Child(receiving, securedApp, normal, gcloud, List.of(), receivingArguments(normal)));
			children.put(RECEIVING_ALLOW,
					new Child(receiving, allowApp, normal, gcloud, List.of(), receivingArguments(normal)));
			children.put(DELAYED,
					new Child(receiving, plainApp, delayed, gcloud, List.of(), receivingArguments(delayed)));
			children
				.put(COMBINED, new Child(context.appClasspath("combined"), plainApp, normal, gcloud, List.of(), with(
						receivingArguments(normal),
						"--cloudrun.auth.calling.targets.backend.url=https://backend-123456789012.us-central1.run.app")));
			List<Rounds.Variant> variants = new ArrayList<>();
			for (Map.Entry<String, Child> child : children.entrySet()) {
				variants.add(new Rounds.Variant(child.getKey(), (round) -> child.getValue().start(round)));
			}
			Rounds rounds = Rounds.run(variants, 1, ROUNDS);

			added(report, rounds, "Calling: startup added by the calling starter (one target)", CALLING, PLAIN, true);
			added(report, rounds, "… of which Boot's RestClient starter, which it brings", RESTCLIENT, PLAIN, false);
			added(report, rounds, "… of which cloudrun-auth (auto-configuration, google-auth-library)", CALLING,
					RESTCLIENT, false);
			added(report, rounds,
					"Receiving, app without `@PreAuthorize`: starter (defaults) vs resource server by " + "hand",
					RECEIVING, HAND, true);
			added(report, rounds, "… the same with `method-security=false`", RECEIVING_NO_MS, HAND, true);
			added(report, rounds,
					"… of which the `method-security` default (off in an app without its annotations: ≈ 0)", RECEIVING,
					RECEIVING_NO_MS, false);
			added(report, rounds,
					"For scale: method security in an app without its annotations (what the starter no longer enables)",
					RECEIVING_SPRING_MS, RECEIVING_NO_MS, false);
			added(report, rounds, "Receiving, app with `@PreAuthorize`: starter vs by hand + `@EnableMethodSecurity`",
					RECEIVING_PRE, HAND_PRE, true);
			added(report, rounds,
					"Receiving, app with `@AllowCallers` vs by hand + `@EnableMethodSecurity` and " + "`@PreAuthorize`",
					RECEIVING_ALLOW, HAND_PRE, true);
			added(report, rounds, "For scale: Spring's resource server by hand vs no security", HAND, PLAIN, false);
			added(report, rounds, "For comparison with earlier results: the combined starter vs no starter", COMBINED,
					PLAIN, false);
			added(report, rounds,
					"For scale: Spring's method security by hand (`@EnableMethodSecurity`, " + "`@PreAuthorize` app)",
					HAND_PRE, HAND, false);
			cpu(report, children, "Main thread's CPU time: calling starter − no starter", CALLING, PLAIN, true);
			cpu(report, children, "Main thread's CPU time: receiving starter − by hand, app without `@PreAuthorize`",
					RECEIVING, HAND, true);
			cpu(report, children, "… the same with `method-security=false`", RECEIVING_NO_MS, HAND, true);
			cpu(report, children, "… of which the `method-security` default", RECEIVING, RECEIVING_NO_MS, true);
			cpu(report, children, "For scale: method security in an app without its annotations", RECEIVING_SPRING_MS,
					RECEIVING_NO_MS, true);
			cpu(report, children, "Main thread's CPU time: receiving starter − by hand, app with `@PreAuthorize`",
					RECEIVING_PRE, HAND_PRE, true);
			cpu(report, children, "Main thread's CPU time: `@AllowCallers` app − by hand with `@PreAuthorize`",
					RECEIVING_ALLOW, HAND_PRE, true);
			cpu(report, children, "CPU time of the whole child JVM (all threads): calling starter − no starter",
					CALLING, PLAIN);
			cpu(report, children, "CPU time of the whole child JVM: receiving starter − by hand (no `@PreAuthorize`)",
					RECEIVING, HAND);
			report.figure("CPU time of the starter's own threads during the start (the background JWK Set fetch)",
					RECEIVING + ", `cloudrun-auth-*` threads",
					Stats.fmt(Stats.of(children.get(RECEIVING).starterThreadsCpu).median(), 0) + " ms",
					Stats.fmt(Stats.of(children.get(RECEIVING).starterThreadsCpu).min(), 0) + " to "
							+ Stats.fmt(Stats.of(children.get(RECEIVING).starterThreadsCpu).max(), 0) + " ms (n="
							+ children.get(RECEIVING).starterThreadsCpu.size() + ")",
					"–", null);
			Stats delayRatio = rounds.ratio(DELAYED, RECEIVING);
			report.figure("Startup with the JWKS endpoint delayed " + JWKS_DELAY.toSeconds() + " s",
					DELAYED + " / " + RECEIVING, delayRatio.median(2), delayRatio.spread(2),
					"unaffected (≈ 1, far from +" + JWKS_DELAY.toSeconds() + " s)", delayRatio.max() < 1.5);
			long metadataRequests = 0;
			int starts = 0;
			for (Map.Entry<String, Child> child : children.entrySet()) {
				if (!child.getKey().equals(PLAIN) && !child.getKey().equals(RESTCLIENT) && !child.getKey().equals(HAND)
						&& !child.getKey().equals(HAND_PRE)) {
					metadataRequests += child.getValue().metadataRequests;
					starts += child.getValue().starts;
				}
			}
			report.figure("Metadata-server requests during startup", "count over all starts with a starter",
					String.valueOf(metadataRequests), starts + " starts (`GCE_METADATA_HOST` = the emulator)", "0",
					metadataRequests == 0);

			report.detail("`SpringApplication.run`, median per variant (ms): "
					+ String.join(", ",
							children.keySet()
								.stream()
								.map((name) -> name + " " + Stats.fmt(rounds.stats(name).median(), 0))
								.toList())
					+ ". Absolute times are noise on this machine; the differences above are paired within rounds.");
			report.detail("Classes loaded by the end of the start (median per variant): " + String.join(", ",
					children.entrySet()
						.stream()
						.map((e) -> e.getKey() + " " + Stats.fmt(Stats.of(e.getValue().classes).median(), 0))
						.toList())
					+ ".");
			report.detail("What each child reported (last start): " + children.entrySet()
				.stream()
				.map((e) -> e.getKey() + ": `" + e.getValue().lastFlags + "`")
				.toList() + ".");
			for (String name : List.of(HAND, RECEIVING, HAND_PRE, RECEIVING_PRE, CALLING)) {
				Child child = children.get(name);
				child.diagnose();
				report.detail("One extra, untimed start of *" + name
						+ "*, its startup steps recorded with the CPU time "
						+ "of the thread that ran them (`CpuTimeApplicationStartup`): the bean instantiations that took "
						+ "the most CPU, exclusive of the beans they caused to be created (ms) " + child.slowest
						+ "; that self CPU time summed by the configuration class that defines the beans (ms) "
						+ child.byConfig + "; self CPU time per kind of step (ms) " + child.steps + ".");
			}
			report.detail("In the same start of *" + RECEIVING_PRE + "*, what `AopUtils.canApply` costs over the types "
					+ "of all beans, per `Advisor` bean (CPU ms, measured once more after startup, caches warm; in "
					+ "parentheses the beans it applies to): " + children.get(RECEIVING_PRE).advisors + ".");
			report.detail("JWKS requests that reached the emulators during the starts (the receiving side's background "
					+ "fetch, which startup does not wait for): " + RECEIVING + " "
					+ children.get(RECEIVING).jwksRequests + " in " + children.get(RECEIVING).starts + " starts, "
					+ DELAYED + " " + children.get(DELAYED).jwksRequests + " in " + children.get(DELAYED).starts
					+ " starts (each " + "answered only after " + JWKS_DELAY.toSeconds()
					+ " s, after the child had already exited).");
			report.note("No network call on the startup path: startup neither waits for the JWK Set (a "
					+ JWKS_DELAY.toSeconds() + " s delay does not show) nor makes any metadata-server request "
					+ "(credentials are resolved on the first call). Exception by design: with no `audiences` configured "
					+ "and `K_SERVICE` set, the receiving side asks the metadata server for the project number and "
					+ "region at startup to derive the service URL; that path is not measured here.");
			report.note(
					"Start times swing by a second or more from one start to the next on this shared machine (see the "
							+ "spreads, which go negative for the smaller differences): read the medians of the paired "
							+ "differences, with the child's CPU time as a second view.");
		}
		return report;
	}

	private static void added(Report report, Rounds rounds, String name, String a, String b, boolean target) {
		Stats added = rounds.difference(a, b);
		report.figure(name, a + " − " + b + ", ms", Stats.fmt(added.median(), 0) + " ms",
				Stats.fmt(added.min(), 0) + " to " + Stats.fmt(added.max(), 0) + " ms (n=" + added.count() + ")",
				target ? "<= 100 ms" : "–", target ? added.median() <= 100 : null);
	}

	private static void cpu(Report report, Map<String, Child> children, String name, String a, String b) {
		cpu(report, children, name, a, b, false);
	}

	private static void cpu(Report report, Map<String, Child> children, String name, String a, String b,
			boolean mainThread) {
		List<Double> x = mainThread ? children.get(a).mainCpu : children.get(a).cpu;
		List<Double> y = mainThread ? children.get(b).mainCpu : children.get(b).cpu;
		List<Double> differences = new ArrayList<>();
		for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
			differences.add(x.get(i) - y.get(i));
		}
		Stats added = Stats.of(differences);
		report.figure(name, a + " − " + b + ", ms", Stats.fmt(added.median(), 0) + " ms",
				Stats.fmt(added.min(), 0) + " to " + Stats.fmt(added.max(), 0) + " ms (n=" + added.count() + ")", "–",
				null);
	}

	private static List<String> with(List<String> arguments, String argument) {
		List<String> all = new ArrayList<>(arguments);
		all.add(argument);
		return all;
	}

	private static List<String> receivingArguments(GoogleIdentityEmulator emulator) {
		return List.of("--cloudrun.auth.receiving.audiences=" + AUDIENCE,
				"--cloudrun.auth.receiving.allowed-callers=*@startup-project.iam.gserviceaccount.com",
				"--cloudrun.auth.receiving.jwk-set-uri=" + emulator.jwkSetUri());
	}

	/**
	 * One variant's child JVM.
	 */
	static final class Child {

		private final String classpath;

		private final String mainClass;

		private final GoogleIdentityEmulator emulator;

		private final Path gcloudConfig;

		private final List<String> jvmOptions;

		private final List<String> arguments;

		final List<Double> cpu = new ArrayList<>();

		final List<Double> mainCpu = new ArrayList<>();

		final List<Double> classes = new ArrayList<>();

		final List<Double> starterThreadsCpu = new ArrayList<>();

		long metadataRequests;

		long jwksRequests;

		int starts;

		String lastFlags = "";

		String slowest = "";

		String byConfig = "";

		String steps = "";

		String advisors = "";

		Child(String classpath, String mainClass, GoogleIdentityEmulator emulator, Path gcloudConfig,
				List<String> jvmOptions, List<String> arguments) {
			this.classpath = classpath;
			this.mainClass = mainClass;
			this.emulator = emulator;
			this.gcloudConfig = gcloudConfig;
			this.jvmOptions = jvmOptions;
			this.arguments = arguments;
		}

		void diagnose() {
			ChildJvm.Result result = launch(List.of("-Dstartup.top=8"));
			this.slowest = String.valueOf(result.line("SLOWEST ")).replace(" ", ", ").replace("=", " ");
			List<String> configs = List.of(String.valueOf(result.line("BYCONFIG ")).split(" "));
			this.byConfig = shorten(
					String.join(", ", configs.subList(0, Math.min(12, configs.size()))).replace("=", " "));
			this.steps = String.valueOf(result.line("STEPS ")).replace(" ", ", ").replace("=", " ");
			this.advisors = String.valueOf(result.line("ADVISORS ")).replace(" ", ", ").replace("=", " ");
		}

		private static String shorten(String configs) {
			return configs.replace("org.springframework.boot.", "o.s.b.")
				.replace("org.springframework.security.", "o.s.s.")
				.replace("org.springframework.", "o.s.")
				.replace("dev.cloudrunauth.", "d.c.");
		}

		double start(int round) {
			long metadataBefore = this.emulator.requests(EmulatorEndpoint.METADATA);
			long jwksBefore = this.emulator.requests(EmulatorEndpoint.JWKS);
			ChildJvm.Result result = launch(List.of());
			String line = result.line("STARTUP ");
			Matcher found = (line != null) ? LINE.matcher(line) : null;
			if (found == null || !found.find()) {
				throw new IllegalStateException("The app did not report its start:\n" + result.output());
			}
			this.metadataRequests += this.emulator.requests(EmulatorEndpoint.METADATA) - metadataBefore;
			this.jwksRequests += this.emulator.requests(EmulatorEndpoint.JWKS) - jwksBefore;
			this.starts++;
			if (round >= 0) {
				this.cpu.add(Double.parseDouble(found.group(3)));
				this.mainCpu.add(Double.parseDouble(found.group(4)));
				this.classes.add(Double.parseDouble(found.group(5)));
				this.starterThreadsCpu.add(Double.parseDouble(found.group(6)));
			}
			this.lastFlags = found.group(7);
			return Long.parseLong(found.group(1)) / 1000.0;
		}

		private ChildJvm.Result launch(List<String> extraOptions) {
			List<String> options = new ArrayList<>(this.jvmOptions);
			options.addAll(extraOptions);
			List<String> arguments = new ArrayList<>(List.of("--server.address=127.0.0.1", "--server.port=0"));
			arguments.addAll(this.arguments);
			return new ChildJvm(this.classpath, this.mainClass).jvmOptions(options)
				.arguments(arguments)
				.environment("GCE_METADATA_HOST", this.emulator.metadataHost())
				.environment("CLOUDSDK_CONFIG", this.gcloudConfig.toString())
				.run();
		}

	}

}
