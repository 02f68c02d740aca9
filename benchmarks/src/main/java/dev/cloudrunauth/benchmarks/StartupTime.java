package dev.cloudrunauth.benchmarks;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.cloudrunauth.benchmarks.startup.app.StartupApplication;
import dev.cloudrunauth.benchmarks.support.Console;
import dev.cloudrunauth.benchmarks.support.Report;
import dev.cloudrunauth.benchmarks.support.Rounds;
import dev.cloudrunauth.benchmarks.support.Stats;
import dev.cloudrunauth.test.emulator.EmulatorEndpoint;
import dev.cloudrunauth.test.emulator.Fault;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;

/**
 * 7. Start of the same minimal web app with and without the starter, each in a fresh JVM, alternately.
 */
final class StartupTime {

	static final int ROUNDS = 6;

	static final Duration JWKS_DELAY = Duration.ofSeconds(5);

	static final String WITHOUT = "without starter";

	static final String WITH = "with starter";

	static final String DELAYED = "with starter, JWKS delayed 5 s";

	static final String BY_HAND = "Spring resource server by hand";

	static final String NO_METHOD_SECURITY = "with starter, method-security=false";

	private static final Pattern LINE = Pattern.compile("STARTUP runMicros=(\\d+) uptimeMillis=(\\d+) cpuMillis=(\\d+) (.*)");

	private StartupTime() {
	}

	static Report run(Context context) throws IOException {
		Report report = new Report("7", "Startup");
		report.method("The same minimal Spring MVC app (Tomcat on 127.0.0.1, one `@RestController`) is started in a "
				+ "fresh JVM (default JVM options), which prints how long `SpringApplication.run` took and exits. "
				+ "Variants: *" + WITHOUT + "* (its class path has neither the starter nor what it brings: Spring "
				+ "Security, google-auth-library, Nimbus; built by `maven-dependency-plugin`), *" + WITH + "* "
				+ "(receiving audience and JWKS URI set, one calling target declared; `GCE_METADATA_HOST` points at "
				+ "an emulator so that any metadata-server request would be counted), *" + DELAYED + "* (the same "
				+ "against an emulator whose JWKS endpoint answers only after "
				+ JWKS_DELAY.toSeconds() + " s: `inject(EmulatorEndpoint.JWKS, Fault.delay(...))`), and *" + BY_HAND
				+ "* (same class path as with the starter, its auto-configurations excluded, "
				+ "`spring.security.oauth2.resourceserver.jwt.jwk-set-uri` set: what one would write without the "
				+ "starter), and *" + NO_METHOD_SECURITY + "*. 1 warm-up start each, then " + ROUNDS
				+ " rounds in rotating order.");
		try (GoogleIdentityEmulator normal = GoogleIdentityEmulator.start();
				GoogleIdentityEmulator delayed = GoogleIdentityEmulator.start()) {
			delayed.inject(EmulatorEndpoint.JWKS, Fault.delay(JWKS_DELAY));
			Path gcloud = Files.createTempDirectory("startup-gcloud-config");
			String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
			String fullClasspath = System.getProperty("java.class.path");
			List<String> bare = new ArrayList<>(context.withoutStarterClasspath());
			bare.add(0, context.classes().toString());
			String bareClasspath = String.join(File.pathSeparator, bare);
			String exclude = "--spring.autoconfigure.exclude="
					+ "dev.cloudrunauth.receiving.CloudRunReceivingAutoConfiguration,"
					+ "dev.cloudrunauth.receiving.CloudRunReceivingServletAutoConfiguration,"
					+ "dev.cloudrunauth.receiving.CloudRunReceivingServletWebSecurityAutoConfiguration,"
					+ "dev.cloudrunauth.receiving.CloudRunReceivingReactiveAutoConfiguration,"
					+ "dev.cloudrunauth.receiving.CloudRunReceivingReactiveWebSecurityAutoConfiguration,"
					+ "dev.cloudrunauth.calling.CloudRunCallingAutoConfiguration";
			Map<String, Child> children = new LinkedHashMap<>();
			children.put(WITHOUT, new Child(java, bareClasspath, normal, gcloud, List.of()));
			children.put(WITH, new Child(java, fullClasspath, normal, gcloud, starterArguments(normal)));
			children.put(DELAYED, new Child(java, fullClasspath, delayed, gcloud, starterArguments(delayed)));
			List<String> noMethodSecurity = new ArrayList<>(starterArguments(normal));
			noMethodSecurity.add("--cloudrun.auth.receiving.method-security=false");
			children.put(NO_METHOD_SECURITY, new Child(java, fullClasspath, normal, gcloud, noMethodSecurity));
			children.put(BY_HAND, new Child(java, fullClasspath, normal, gcloud,
					List.of(exclude, "--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + normal.jwkSetUri())));
			List<Rounds.Variant> variants = new ArrayList<>();
			for (Map.Entry<String, Child> child : children.entrySet()) {
				variants.add(new Rounds.Variant(child.getKey(), (round) -> child.getValue().start(round)));
			}
			Rounds rounds = Rounds.run(variants, 1, ROUNDS);
			String slowest = children.get(WITH).diagnose();
			Stats added = rounds.difference(WITH, WITHOUT);
			Stats ratio = rounds.ratio(WITH, WITHOUT);
			Stats delayRatio = rounds.ratio(DELAYED, WITH);
			Stats ownAdded = rounds.difference(WITH, BY_HAND);
			Stats methodSecurity = rounds.difference(WITH, NO_METHOD_SECURITY);
			Stats ownRatio = rounds.ratio(WITH, BY_HAND);
			report.figure("Startup time added by the starter", "with starter − without, ms",
					Stats.fmt(added.median(), 0) + " ms",
					Stats.fmt(added.min(), 0) + "–" + Stats.fmt(added.max(), 0) + " ms (n=" + added.count() + ")",
					"<= 100 ms", added.median() <= 100);
			report.figure("Startup time", "with starter / without", ratio.median(2), ratio.spread(2), "–", null);
			Stats cpuAdded = paired(children.get(WITH).cpu, children.get(WITHOUT).cpu);
			Stats cpuOwn = paired(children.get(WITH).cpu, children.get(BY_HAND).cpu);
			report.figure("CPU time of the start (child JVM, all threads)", "with starter − without, ms",
					Stats.fmt(cpuAdded.median(), 0) + " ms", Stats.fmt(cpuAdded.min(), 0) + "–"
							+ Stats.fmt(cpuAdded.max(), 0) + " ms (n=" + cpuAdded.count() + ")",
					"–", null);
			report.figure("CPU time of the start, starter's own part", "with starter − by hand, ms",
					Stats.fmt(cpuOwn.median(), 0) + " ms", Stats.fmt(cpuOwn.min(), 0) + "–" + Stats.fmt(cpuOwn.max(), 0)
							+ " ms (n=" + cpuOwn.count() + ")",
					"–", null);
			report.figure("Starter's own cost vs Spring's resource server by hand",
					"with starter − by hand, ms (ratio " + ownRatio.median(2) + ")", Stats.fmt(ownAdded.median(), 0) + " ms",
					Stats.fmt(ownAdded.min(), 0) + "–" + Stats.fmt(ownAdded.max(), 0) + " ms (n=" + ownAdded.count()
							+ ")",
					"<= 100 ms", ownAdded.median() <= 100);
			report.figure("Of which method security (enabled by the starter by default)",
					"with starter − with `method-security=false`, ms", Stats.fmt(methodSecurity.median(), 0) + " ms",
					Stats.fmt(methodSecurity.min(), 0) + "–" + Stats.fmt(methodSecurity.max(), 0) + " ms (n="
							+ methodSecurity.count() + ")",
					"–", null);
			Stats ownWithoutMethodSecurity = rounds.difference(NO_METHOD_SECURITY, BY_HAND);
			report.figure("Starter's own cost without method security vs Spring's resource server by hand",
					"with starter, `method-security=false` − by hand, ms",
					Stats.fmt(ownWithoutMethodSecurity.median(), 0) + " ms",
					Stats.fmt(ownWithoutMethodSecurity.min(), 0) + "–" + Stats.fmt(ownWithoutMethodSecurity.max(), 0)
							+ " ms (n=" + ownWithoutMethodSecurity.count() + ")",
					"–", null);
			report.figure("Startup with the JWKS endpoint delayed " + JWKS_DELAY.toSeconds() + " s", DELAYED + " / " + WITH,
					delayRatio.median(2), delayRatio.spread(2), "unaffected (≈ 1, far from +" + JWKS_DELAY.toSeconds()
							+ " s)",
					delayRatio.max() < 1.5);
			long metadataRequests = 0;
			int starts = 0;
			for (String name : List.of(WITH, DELAYED, NO_METHOD_SECURITY)) {
				metadataRequests += children.get(name).metadataRequests;
				starts += children.get(name).starts;
			}
			report.figure("Metadata-server requests during startup", "count over all starts with the starter",
					String.valueOf(metadataRequests), starts + " starts (`GCE_METADATA_HOST` = the emulator)", "0",
					metadataRequests == 0);
			report.detail("`SpringApplication.run` medians: " + WITHOUT + " " + Stats.fmt(rounds.stats(WITHOUT).median(), 0)
					+ " ms, " + WITH + " " + Stats.fmt(rounds.stats(WITH).median(), 0) + " ms, " + DELAYED + " "
					+ Stats.fmt(rounds.stats(DELAYED).median(), 0) + " ms, " + BY_HAND + " "
					+ Stats.fmt(rounds.stats(BY_HAND).median(), 0) + " ms. JVM uptime at the end of start (includes "
					+ "JVM boot), medians: " + children.entrySet()
						.stream()
						.map((e) -> e.getKey() + " " + Stats.fmt(Stats.of(e.getValue().uptimes).median(), 0) + " ms")
						.toList() + ".");
			report.detail("Slowest bean instantiations of one extra, untimed start with the starter (self time, "
					+ "`BufferingApplicationStartup`): " + slowest + ".");
			report.detail("What each child reported (last start): " + children.entrySet()
				.stream()
				.map((e) -> e.getKey() + ": `" + e.getValue().lastFlags + "`")
				.toList() + ".");
			report.detail("JWKS requests that reached the emulators during the starts (the receiving side's background "
					+ "fetch, which startup does not wait for): " + WITH + " " + children.get(WITH).jwksRequests + " in "
					+ children.get(WITH).starts + " starts, " + DELAYED + " " + children.get(DELAYED).jwksRequests
					+ " in " + children.get(DELAYED).starts + " starts (each answered only after "
					+ JWKS_DELAY.toSeconds() + " s, after the child had already reported and exited).");
			report.note("No network call on the startup path: startup neither waits for the JWK Set (a " + JWKS_DELAY.toSeconds()
					+ " s delay does not show) nor makes any metadata-server request (credentials are resolved on the "
					+ "first call). Exception by design: with no `audiences` configured and `K_SERVICE` set, the "
					+ "receiving side asks the metadata server for the project number and region at startup to derive "
					+ "the service URL; that path is not measured here.");
			report.note("Start times swing by up to a second from one start to the next on this shared machine (see the "
					+ "spreads, which even go negative for the smaller differences); the medians of the paired "
					+ "differences are the figures to read, and the CPU time the child used is shown as a second view.");
			report.note("Method security (`@EnableMethodSecurity`, on by default via "
					+ "`cloudrun.auth.receiving.method-security` so that `@PreAuthorize` and `@AllowCallers` work "
					+ "without code) is the largest part the starter adds over Spring's resource server by hand, which "
					+ "has none: at startup Spring's AOP infrastructure matches every bean's methods against the "
					+ "authorization pointcuts. An app that uses neither annotation can turn it off; the figure "
					+ "\"without method security\" is the starter's own code (its beans, its filter chain, the calling "
					+ "side). The JWK Set client (`SigningKeyCache`) is built on the first fetch, on its background "
					+ "thread, so initializing the JDK's default `SSLContext` stays off the startup path.");
			report.note("The difference \"with − without\" includes Spring Security itself (its filter chain, method "
					+ "security, the resource server), which a service that verifies callers needs anyway; \"with − by "
					+ "hand\" is the starter's own part.");
		}
		return report;
	}

	private static Stats paired(List<Double> a, List<Double> b) {
		List<Double> differences = new ArrayList<>();
		for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
			differences.add(a.get(i) - b.get(i));
		}
		return Stats.of(differences);
	}

	private static List<String> starterArguments(GoogleIdentityEmulator emulator) {
		return List.of("--cloudrun.auth.receiving.audiences=https://startup-123456789012.us-central1.run.app",
				"--cloudrun.auth.receiving.allowed-callers=*@startup-project.iam.gserviceaccount.com",
				"--cloudrun.auth.receiving.jwk-set-uri=" + emulator.jwkSetUri(),
				"--cloudrun.auth.calling.targets.backend.url=https://backend-123456789012.us-central1.run.app");
	}

	/**
	 * One variant's child JVM.
	 */
	static final class Child {

		private final String java;

		private final String classpath;

		private final GoogleIdentityEmulator emulator;

		private final Path gcloudConfig;

		private final List<String> arguments;

		final List<Double> uptimes = new ArrayList<>();

		final List<Double> cpu = new ArrayList<>();

		long metadataRequests;

		long jwksRequests;

		int starts;

		String lastFlags = "";

		String slowest = "";

		boolean diagnostic;

		Child(String java, String classpath, GoogleIdentityEmulator emulator, Path gcloudConfig,
				List<String> arguments) {
			this.java = java;
			this.classpath = classpath;
			this.emulator = emulator;
			this.gcloudConfig = gcloudConfig;
			this.arguments = arguments;
		}

		String diagnose() {
			this.diagnostic = true;
			try {
				start(-100);
				return this.slowest;
			}
			finally {
				this.diagnostic = false;
			}
		}

		double start(int round) {
			List<String> command = new ArrayList<>(List.of(this.java));
			if (this.diagnostic) {
				command.add("-Dstartup.top=10");
			}
			command.addAll(List.of("-cp", this.classpath,
					StartupApplication.class.getName(), "--server.address=127.0.0.1", "--server.port=0"));
			command.addAll(this.arguments);
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
			builder.environment().remove("GOOGLE_APPLICATION_CREDENTIALS");
			builder.environment().remove("K_SERVICE");
			builder.environment().put("GCE_METADATA_HOST", this.emulator.metadataHost());
			builder.environment().put("CLOUDSDK_CONFIG", this.gcloudConfig.toString());
			builder.environment().remove("JAVA_TOOL_OPTIONS");
			long metadataBefore = this.emulator.requests(EmulatorEndpoint.METADATA);
			long jwksBefore = this.emulator.requests(EmulatorEndpoint.JWKS);
			Process process;
			try {
				process = builder.start();
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
			Process started = process;
			Thread watchdog = new Thread(() -> {
				try {
					if (!started.waitFor(90, TimeUnit.SECONDS)) {
						started.destroyForcibly();
					}
				}
				catch (InterruptedException ex) {
					started.destroyForcibly();
				}
			}, "startup-watchdog");
			watchdog.setDaemon(true);
			watchdog.start();
			StringBuilder output = new StringBuilder();
			Matcher found = null;
			try (BufferedReader reader = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = reader.readLine()) != null) {
					output.append(line).append('\n');
					Matcher matcher = LINE.matcher(line);
					if (matcher.find()) {
						found = matcher;
					}
					if (line.startsWith("SLOWEST ")) {
						this.slowest = line.substring("SLOWEST ".length()).replace("=", " ").replace("ms", " ms,");
					}
				}
				if (!process.waitFor(60, TimeUnit.SECONDS)) {
					process.destroyForcibly();
				}
			}
			catch (IOException ex) {
				process.destroyForcibly();
				throw new IllegalStateException(ex);
			}
			catch (InterruptedException ex) {
				process.destroyForcibly();
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			if (found == null) {
				throw new IllegalStateException("The app did not report its start:\n" + output);
			}
			this.metadataRequests += this.emulator.requests(EmulatorEndpoint.METADATA) - metadataBefore;
			this.jwksRequests += this.emulator.requests(EmulatorEndpoint.JWKS) - jwksBefore;
			this.starts++;
			if (round == -100) {
				return 0;
			}
			if (round >= 0) {
				this.uptimes.add(Double.parseDouble(found.group(2)));
				this.cpu.add(Double.parseDouble(found.group(3)));
			}
			this.lastFlags = found.group(4);
			return Long.parseLong(found.group(1)) / 1000.0;
		}

	}

}
