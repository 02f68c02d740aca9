package dev.cloudrunauth.sample.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.ServiceAccount;

/**
 * The two samples wired to a Google identity emulator on 127.0.0.1, as on Cloud Run: the
 * receiving service verifies tokens against the emulator's JWKS and accepts its own URL
 * as audience; the calling service gets its tokens from the emulator's metadata server
 * through {@code GCE_METADATA_HOST}.
 */
final class SampleServices implements AutoCloseable {

	static final String CALLER = "calling@demo-project.iam.gserviceaccount.com";

	static final String REPORT_READER = "reader@demo-project.iam.gserviceaccount.com";

	static final String PUBSUB_PUSH = "pubsub-push@demo-project.iam.gserviceaccount.com";

	/**
	 * Every service account of the demo project may call the receiving service, and no
	 * other.
	 */
	static final String ALLOWED_CALLERS = "*@demo-project.iam.gserviceaccount.com";

	/**
	 * A service account of another project, which can mint a Google-signed token for any
	 * audience.
	 */
	static final String OUTSIDER = "attacker@evil-project.iam.gserviceaccount.com";

	private final GoogleIdentityEmulator emulator;

	private final ServiceLauncher launcher;

	private final List<Started> services = new ArrayList<>();

	private String receivingUrl;

	private List<String> logging = List.of();

	private Path logDirectory;

	private SampleServices(GoogleIdentityEmulator emulator, ServiceLauncher launcher) {
		this.emulator = emulator;
		this.launcher = launcher;
	}

	static SampleServices with(GoogleIdentityEmulator emulator, ServiceLauncher launcher) {
		return new SampleServices(emulator, launcher);
	}

	/**
	 * Log the library, Spring Security and google-auth-library at TRACE in the services
	 * started from now on.
	 * @return this
	 */
	SampleServices traceLogging() {
		this.logging = List.of("--logging.level.dev.cloudrunauth=TRACE",
				"--logging.level.org.springframework.security=TRACE", "--logging.level.com.google.auth=TRACE",
				"--logging.level.com.google.api.client=TRACE");
		return this;
	}

	/**
	 * Log the library at DEBUG in the services started from now on: every token minted or
	 * rejected, with the reason.
	 * @return this
	 */
	SampleServices debugLogging() {
		this.logging = List.of("--logging.level.dev.cloudrunauth=DEBUG");
		return this;
	}

	/**
	 * Make the services started from now on also log to a file in the given directory,
	 * named after the sample ({@code receiving.log}, {@code calling.log}; services of the
	 * same sample share it).
	 * @param directory an existing directory
	 * @return this
	 */
	SampleServices logTo(Path directory) {
		this.logDirectory = directory;
		return this;
	}

	/**
	 * Return the log file of a sample's services.
	 * @param sample {@code sample-receiving} or {@code sample-calling}
	 * @return the file, which may not exist yet
	 * @see #logTo(Path)
	 */
	Path logFile(String sample) {
		return this.logDirectory.resolve(sample.replaceFirst("^sample-", "") + ".log");
	}

	/**
	 * Return the output of every service started.
	 * @return the outputs, in start order
	 */
	List<String> outputs() {
		synchronized (this.services) {
			return this.services.stream().map((started) -> started.service().output()).toList();
		}
	}

	/**
	 * Return the output of the services of a sample, started or not.
	 * @param sample {@code sample-receiving} or {@code sample-calling}
	 * @return their outputs, in start order
	 */
	String output(String sample) {
		synchronized (this.services) {
			return this.services.stream()
				.filter((started) -> started.sample().equals(sample))
				.map((started) -> started.service().output())
				.collect(Collectors.joining());
		}
	}

	/**
	 * Start the receiving service on a free port, its own URL as audience, the demo
	 * project's service accounts as its callers.
	 * @return its URL
	 */
	String startReceiving() {
		int port = freePort();
		this.receivingUrl = "http://127.0.0.1:" + port;
		start("sample-receiving", Map.of(), List.of("--server.port=" + port, "--server.address=127.0.0.1",
				"--cloudrun.auth.receiving.audiences=" + this.receivingUrl,
				"--cloudrun.auth.receiving.allowed-callers=" + ALLOWED_CALLERS,
				"--cloudrun.auth.receiving.jwk-set-uri=" + this.emulator.jwkSetUri(),
				"--sample.report-readers=" + REPORT_READER, "--sample.pubsub-push-service-account=" + PUBSUB_PUSH),
				List.of());
		return this.receivingUrl;
	}

	/**
	 * Start a calling service that gets its tokens from the metadata server, as on Cloud
	 * Run.
	 * @param properties further properties, such as
	 * {@code cloudrun.auth.calling.header=...}
	 * @return its URL
	 */
	String startCalling(String... properties) {
		Map<String, String> environment = new LinkedHashMap<>();
		environment.put("GCE_METADATA_HOST", this.emulator.metadataHost());
		return startCalling(environment, List.of(), properties);
	}

	/**
	 * Start a calling service that gets its tokens with a service account key file.
	 * @param account the service account
	 * @param directory where to write the key
	 * @param properties further properties
	 * @return its URL
	 */
	String startCallingWithKey(ServiceAccount account, Path directory, String... properties) {
		try {
			Path key = this.emulator.writeServiceAccountKey(account, Files.createTempFile(directory, "key", ".json"));
			List<String> all = new ArrayList<>(List.of(properties));
			all.add("cloudrun.auth.calling.credentials-location=file:" + key);
			return startCalling(Map.of(), List.of(key), all.toArray(String[]::new));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private String startCalling(Map<String, String> environment, List<Path> files, String... properties) {
		Map<String, String> env = new LinkedHashMap<>(environment);
		env.put("RECEIVING_SERVICE_URL", this.receivingUrl);
		List<String> arguments = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1"));
		for (String property : properties) {
			arguments.add("--" + property);
		}
		ServiceLauncher.Service calling = start("sample-calling", env, arguments, files);
		return "http://127.0.0.1:" + calling.awaitOutput(ServiceLauncher.Service.PORT, Duration.ofSeconds(10));
	}

	private ServiceLauncher.Service start(String sample, Map<String, String> environment, List<String> arguments,
			List<Path> files) {
		List<String> all = new ArrayList<>(arguments);
		all.addAll(this.logging);
		if (this.logDirectory != null) {
			all.add("--logging.file.name=" + logFile(sample));
		}
		ServiceLauncher.Service service = this.launcher.start(sample, environment, all, files);
		synchronized (this.services) {
			this.services.add(new Started(sample, service));
		}
		service.awaitOutput(ServiceLauncher.Service.STARTED, Duration.ofSeconds(120));
		return service;
	}

	String receivingUrl() {
		return this.receivingUrl;
	}

	@Override
	public void close() {
		List<Started> started;
		synchronized (this.services) {
			started = new ArrayList<>(this.services);
			this.services.clear();
		}
		for (int i = started.size() - 1; i >= 0; i--) {
			started.get(i).service().close();
		}
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private record Started(String sample, ServiceLauncher.Service service) {
	}

}
