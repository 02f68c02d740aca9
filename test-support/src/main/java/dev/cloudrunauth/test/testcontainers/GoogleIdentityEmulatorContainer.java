package dev.cloudrunauth.test.testcontainers;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.nimbusds.jose.util.JSONObjectUtils;
import org.jspecify.annotations.Nullable;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.utility.DockerImageName;

import dev.cloudrunauth.test.emulator.EmulatorEndpoint;

/**
 * The standalone Google identity emulator (test-support's {@code Dockerfile}) as a
 * container with host networking, since the emulator listens on 127.0.0.1 only. It starts
 * on free ports, read from its banner; {@code @Container @ServiceConnection} on it points
 * the receiving side's key set and the calling side's metadata server at it.
 */
public class GoogleIdentityEmulatorContainer extends GenericContainer<GoogleIdentityEmulatorContainer> {

	private static final Pattern ENDPOINT = Pattern.compile(
			"^\\s+(metadata server|OAuth token|IAM Credentials|JWKS|Cloud Run Admin):\\s+http://127\\.0\\.0\\.1:(\\d+)",
			Pattern.MULTILINE);

	private static final Pattern SERVICE_ACCOUNT = Pattern.compile("^\\s+service account:\\s+(\\S+)",
			Pattern.MULTILINE);

	private final List<String> otherServiceAccounts = new ArrayList<>();

	private final Map<EmulatorEndpoint, Integer> ports = new EnumMap<>(EmulatorEndpoint.class);

	private final HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();

	private @Nullable String serviceAccount;

	private @Nullable String metadataServiceAccount;

	/**
	 * Create a container of an image of the emulator, such as one built from
	 * test-support's {@code Dockerfile}.
	 * @param image the image
	 */
	public GoogleIdentityEmulatorContainer(DockerImageName image) {
		super(image);
		configureDefaults();
	}

	/**
	 * Create a container of an image built on the fly, such as {@link #image}.
	 * @param image the image's name, once built
	 */
	public GoogleIdentityEmulatorContainer(Future<String> image) {
		super(image);
		configureDefaults();
	}

	/**
	 * Return an image built from test-support's {@code Dockerfile} and emulator jar
	 * ({@code cloudrun-auth-spring-boot-test-VERSION-emulator.jar}).
	 * @param dockerfile the {@code Dockerfile}
	 * @param emulatorJar the emulator jar
	 * @param baseImage the JRE 17 image to build on, or {@code null} for the
	 * {@code Dockerfile}'s default
	 * @return the image, built when a container first needs it
	 */
	public static ImageFromDockerfile image(Path dockerfile, Path emulatorJar, @Nullable String baseImage) {
		ImageFromDockerfile image = new ImageFromDockerfile("cloudrun-auth/google-identity-emulator", false)
			.withFileFromPath("Dockerfile", dockerfile)
			.withFileFromPath("target/" + emulatorJar.getFileName(), emulatorJar);
		if (baseImage != null) {
			image.withBuildArg("BASE_IMAGE", baseImage);
		}
		return image;
	}

	private void configureDefaults() {
		withNetworkMode("host");
		waitingFor(Wait.forLogMessage(".*Press Ctrl-C to stop\\..*\\n", 1));
		withStartupTimeout(Duration.ofSeconds(120));
	}

	/**
	 * Make the metadata server answer for the given service account, the identity a
	 * calling application mints as.
	 * @param email the service account's email
	 * @return this container
	 */
	public GoogleIdentityEmulatorContainer withServiceAccount(String email) {
		this.serviceAccount = Objects.requireNonNull(email, "email cannot be null");
		return this;
	}

	/**
	 * Register other service accounts, so that {@link #idToken(String, String)} can mint
	 * as them.
	 * @param emails the service accounts' emails
	 * @return this container
	 */
	public GoogleIdentityEmulatorContainer withOtherServiceAccounts(String... emails) {
		this.otherServiceAccounts.addAll(List.of(emails));
		return this;
	}

	@Override
	protected void configure() {
		List<String> command = new ArrayList<>(List.of("--port", "0"));
		if (this.serviceAccount != null) {
			command.addAll(List.of("--service-account", this.serviceAccount));
		}
		for (String email : this.otherServiceAccounts) {
			command.addAll(List.of("--other-service-account", email));
		}
		setCommand(command.toArray(String[]::new));
	}

	@Override
	protected void containerIsStarted(InspectContainerResponse containerInfo) {
		String banner = getLogs();
		Matcher endpoint = ENDPOINT.matcher(banner);
		while (endpoint.find()) {
			this.ports.put(endpoint(endpoint.group(1)), Integer.parseInt(endpoint.group(2)));
		}
		Matcher account = SERVICE_ACCOUNT.matcher(banner);
		if (this.ports.size() != EmulatorEndpoint.values().length || !account.find()) {
			throw new IllegalStateException("Unexpected banner of the emulator:\n" + banner);
		}
		this.metadataServiceAccount = account.group(1);
	}

	private static EmulatorEndpoint endpoint(String label) {
		return switch (label) {
			case "metadata server" -> EmulatorEndpoint.METADATA;
			case "OAuth token" -> EmulatorEndpoint.OAUTH_TOKEN;
			case "IAM Credentials" -> EmulatorEndpoint.IAM_CREDENTIALS;
			case "JWKS" -> EmulatorEndpoint.JWKS;
			default -> EmulatorEndpoint.CLOUD_RUN_ADMIN;
		};
	}

	/**
	 * Return the port an endpoint listens on, on 127.0.0.1.
	 * @param endpoint the endpoint
	 * @return its port
	 */
	public int port(EmulatorEndpoint endpoint) {
		Integer port = this.ports.get(endpoint);
		if (port == null) {
			throw new IllegalStateException("The emulator container has not started");
		}
		return port;
	}

	/**
	 * Return the value for the {@code GCE_METADATA_HOST} environment variable,
	 * {@code 127.0.0.1:PORT}.
	 * @return the metadata server's host and port
	 */
	public String metadataHost() {
		return "127.0.0.1:" + port(EmulatorEndpoint.METADATA);
	}

	/**
	 * Return the JWK Set URI, {@code http://127.0.0.1:PORT/oauth2/v3/certs}.
	 * @return the URI
	 */
	public String jwkSetUri() {
		return "http://127.0.0.1:" + port(EmulatorEndpoint.JWKS) + "/oauth2/v3/certs";
	}

	/**
	 * Return the base URL of the IAM Credentials API, {@code http://127.0.0.1:PORT}.
	 * @return the URL
	 */
	public String iamCredentialsUri() {
		return "http://127.0.0.1:" + port(EmulatorEndpoint.IAM_CREDENTIALS);
	}

	/**
	 * Return the {@code iss} claim of the tokens the emulator mints.
	 * @return {@code https://accounts.google.com}
	 */
	public String issuer() {
		return "https://accounts.google.com";
	}

	/**
	 * Return the service account the metadata server answers for.
	 * @return its email
	 */
	public String serviceAccount() {
		if (this.metadataServiceAccount == null) {
			throw new IllegalStateException("The emulator container has not started");
		}
		return this.metadataServiceAccount;
	}

	/**
	 * Mint an ID token for an audience as the metadata server's service account, from its
	 * {@code identity} endpoint, as an application on Cloud Run would.
	 * @param audience the audience
	 * @return the token
	 */
	public String idToken(String audience) {
		return send(HttpRequest
			.newBuilder(URI.create("http://" + metadataHost()
					+ "/computeMetadata/v1/instance/service-accounts/default/identity?format=full&audience="
					+ URLEncoder.encode(audience, StandardCharsets.UTF_8)))
			.header("Metadata-Flavor", "Google")
			.build());
	}

	/**
	 * Mint an ID token for an audience as a service account, the metadata server's or one
	 * of {@link #withOtherServiceAccounts(String...)}, through IAM Credentials'
	 * {@code generateIdToken}.
	 * @param caller the service account the token is for
	 * @param audience the audience
	 * @return the token
	 */
	public String idToken(String caller, String audience) {
		String accessToken = claim(send(HttpRequest
			.newBuilder(URI
				.create("http://" + metadataHost() + "/computeMetadata/v1/instance/service-accounts/default/token"))
			.header("Metadata-Flavor", "Google")
			.build()), "access_token");
		String body = JSONObjectUtils.toJSONString(Map.of("audience", audience, "includeEmail", true));
		return claim(send(HttpRequest
			.newBuilder(URI.create(iamCredentialsUri() + "/v1/projects/-/serviceAccounts/"
					+ URLEncoder.encode(caller, StandardCharsets.UTF_8) + ":generateIdToken"))
			.header("Authorization", "Bearer " + accessToken)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build()), "token");
	}

	private String send(HttpRequest request) {
		try {
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				// the body is the emulator's error message, never a token
				throw new IllegalStateException("The emulator answered " + request.method() + " "
						+ request.uri().getPath() + " with " + response.statusCode() + ": " + response.body());
			}
			return response.body();
		}
		catch (IOException ex) {
			throw new IllegalStateException("The emulator did not answer " + request.uri().getPath(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static String claim(String json, String name) {
		try {
			return JSONObjectUtils.getString(JSONObjectUtils.parse(json), name);
		}
		catch (java.text.ParseException ex) {
			throw new IllegalStateException("The emulator's answer is not JSON with " + name);
		}
	}

}
