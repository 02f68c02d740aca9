package dev.cloudrunauth.receiving;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.util.Assert;
import org.springframework.util.StreamUtils;
import org.springframework.util.function.SingletonSupplier;

/**
 * Whether Cloud Run's invoker IAM check is on for this service, which trust mode
 * presumes: only that check replaces a token's signature with
 * {@code SIGNATURE_REMOVED_BY_GOOGLE} after verifying it, and on a service that skips it
 * ({@code --no-invoker-iam-check}) anyone can send such a token. Read in the background,
 * and again periodically, from the Cloud Run Admin API ({@code invokerIamDisabled} of
 * {@code GET /v2/projects/P/locations/R/services/S}) with the service's own identity from
 * the metadata server, which also gives the project and region. The Admin API is called
 * through the given request factory (the application's HTTP client settings); the
 * metadata server, a link-local address, always directly.
 */
final class InvokerIamCheck implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(InvokerIamCheck.class);

	private final String service;

	private final MetadataServer metadata;

	private final URI cloudRunApiUri;

	private final Supplier<ClientHttpRequestFactory> cloudRunApi;

	private final Duration interval;

	private final ScheduledExecutorService scheduler;

	private final CompletableFuture<State> firstResult = new CompletableFuture<>();

	private volatile State state = State.CHECKING;

	private volatile @Nullable String problem;

	private @Nullable String servicePath;

	private boolean warned;

	/**
	 * Create a check; call {@link #start()} to run it.
	 * @param service the service's name ({@code K_SERVICE})
	 * @param metadataUri the metadata server, such as
	 * {@code http://metadata.google.internal}
	 * @param cloudRunApiUri the Cloud Run Admin API, such as
	 * {@code https://run.googleapis.com}
	 * @param cloudRunApi the request factory of the Admin API, created on the first check
	 * @param interval how often to check again
	 * @param timeout how long each request to the metadata server may take
	 */
	InvokerIamCheck(String service, URI metadataUri, URI cloudRunApiUri, Supplier<ClientHttpRequestFactory> cloudRunApi,
			Duration interval, Duration timeout) {
		Assert.isTrue(service != null && service.matches("[a-z0-9][a-z0-9-]*"),
				"service must be a Cloud Run service name");
		Assert.notNull(metadataUri, "metadataUri cannot be null");
		Assert.notNull(cloudRunApiUri, "cloudRunApiUri cannot be null");
		Assert.isTrue(interval != null && interval.toMillis() > 0, "interval must be positive");
		Assert.isTrue(timeout != null && timeout.toMillis() > 0, "timeout must be positive");
		this.service = service;
		this.metadata = new MetadataServer(metadataUri, timeout);
		this.cloudRunApiUri = cloudRunApiUri;
		this.cloudRunApi = SingletonSupplier.of(cloudRunApi);
		this.interval = interval;
		CustomizableThreadFactory threads = new CustomizableThreadFactory("cloudrun-auth-invoker-iam-");
		threads.setDaemon(true);
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, threads);
		scheduler.setRemoveOnCancelPolicy(true);
		this.scheduler = scheduler;
	}

	/**
	 * Run the first check in the background, then one every interval.
	 */
	public void start() {
		this.scheduler.scheduleWithFixedDelay(this::check, 0, this.interval.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Return what is known.
	 * @return the state
	 */
	public State state() {
		return this.state;
	}

	/**
	 * Return what went wrong, while the state is {@link State#UNKNOWN}, or what it means,
	 * while it is {@link State#OFF}.
	 * @return the description, or {@code null}
	 */
	public @Nullable String problem() {
		return this.problem;
	}

	/**
	 * Return the outcome of the first check; already complete once it ran.
	 * @return the future
	 */
	CompletableFuture<State> firstResult() {
		return this.firstResult;
	}

	@Override
	public void close() {
		this.scheduler.shutdownNow();
	}

	private void check() {
		try {
			ClientHttpRequest request = this.cloudRunApi.get()
				.createRequest(this.cloudRunApiUri.resolve("/v2/" + servicePath()), HttpMethod.GET);
			request.getHeaders().setBearerAuth(accessToken());
			try (ClientHttpResponse response = request.execute()) {
				if (response.getStatusCode().value() == 200) {
					String body = StreamUtils.copyToString(response.getBody(), StandardCharsets.UTF_8);
					known(Boolean.TRUE.equals(json(body, request.getURI()).get("invokerIamDisabled")));
				}
				else {
					unknown("HTTP " + response.getStatusCode().value() + " from the Cloud Run Admin API for "
							+ servicePath());
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			unknown(ex.getClass().getSimpleName() + ": " + ex.getMessage());
		}
		finally {
			this.firstResult.complete(this.state);
		}
	}

	private void known(boolean disabled) {
		State previous = this.state;
		if (disabled) {
			this.problem = "Cloud Run's invoker IAM check is off for service " + this.service
					+ " (invokerIamDisabled: true), so anyone can send a token with its signature removed: such tokens "
					+ "are refused";
			this.state = State.OFF;
			if (previous != State.OFF) {
				logger.error(this.problem + ". Turn the check on (gcloud run services update " + this.service
						+ " --invoker-iam-check), or verify signatures instead: remove "
						+ "cloudrun.auth.receiving.trust-cloud-run-iam and name the callers in "
						+ "cloudrun.auth.receiving.allowed-callers");
			}
		}
		else {
			this.problem = null;
			this.state = State.ON;
			if (previous != State.ON) {
				logger.info("Cloud Run's invoker IAM check is on for service " + this.service
						+ ": trusting tokens whose signature it removed");
			}
		}
	}

	private void unknown(String reason) {
		if (this.state == State.ON || this.state == State.OFF) {
			// what was read last still stands: a setting does not change because the API
			// cannot be reached
			logger.debug("Cannot check Cloud Run's invoker IAM setting again (" + reason + "); it was " + this.state);
			return;
		}
		this.problem = reason;
		this.state = State.UNKNOWN;
		if (!this.warned) {
			this.warned = true;
			logger.warn("Cannot read Cloud Run service " + this.service
					+ " to confirm that its invoker IAM check is on (" + reason
					+ "); trusting tokens whose signature Cloud Run removed, as configured. Grant this "
					+ "service's account the permission run.services.get on the service (for example roles/run.viewer) "
					+ "so that it is confirmed, or set cloudrun.auth.receiving.check-invoker-iam=false");
		}
		else {
			logger.debug("Still cannot read Cloud Run service " + this.service + ": " + reason);
		}
	}

	private String servicePath() throws IOException {
		if (this.servicePath == null) {
			String project = this.metadata.get("project/project-id");
			if (!project.matches("[a-z0-9][a-z0-9.:-]*")) {
				throw new IOException("unexpected project '" + project + "' from the metadata server");
			}
			this.servicePath = "projects/" + project + "/locations/" + this.metadata.region() + "/services/"
					+ this.service;
		}
		return this.servicePath;
	}

	private String accessToken() throws IOException {
		String body = this.metadata.get("instance/service-accounts/default/token");
		if (!(json(body, this.metadata.baseUri()).get("access_token") instanceof String token) || token.isEmpty()) {
			throw new IOException("no access token from the metadata server");
		}
		return token;
	}

	/**
	 * The body parsed as a JSON object; messages never quote it.
	 */
	private static Map<String, Object> json(String body, URI from) throws IOException {
		try {
			return JSONObjectUtils.parse(body);
		}
		catch (ParseException ex) {
			throw new IOException("the answer from " + from + " is not a JSON object");
		}
	}

	@Override
	public String toString() {
		return "InvokerIamCheck[service=" + this.service + ", state=" + this.state + "]";
	}

	/**
	 * What is known about the invoker IAM check.
	 */
	public enum State {

		/**
		 * The first check is under way.
		 */
		CHECKING,

		/**
		 * The check is on: a token whose signature was removed was verified by Cloud Run.
		 */
		ON,

		/**
		 * The check is off: a token whose signature was removed proves nothing, and is
		 * refused.
		 */
		OFF,

		/**
		 * The service could not be read (no permission, not found, unreachable); trust
		 * mode goes on as configured.
		 */
		UNKNOWN

	}

}
