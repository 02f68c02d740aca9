package dev.cloudrunauth.receiving;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the receiving side: which tokens are accepted, and from
 * which callers.
 */
@ConfigurationProperties("cloudrun.auth.receiving")
public class CloudRunReceivingProperties {

	/**
	 * Whether every request must carry a Google-signed ID token (except to public paths).
	 */
	private boolean enabled = true;

	/**
	 * Accepted audiences ("aud"): this service's URL, custom audiences, push endpoints.
	 * On Cloud Run, defaults to the service URL derived from K_SERVICE and the metadata
	 * server.
	 */
	private List<String> audiences = new ArrayList<>();

	/**
	 * Callers allowed to call: service account emails, or
	 * *@PROJECT.iam.gserviceaccount.com for every service account of a project (*@DOMAIN
	 * for any domain). Required when verifying signatures (any service account of any
	 * project can mint a token for this service's audience); may be empty in trust mode,
	 * where Cloud Run's roles/run.invoker decides.
	 */
	private List<String> allowedCallers = new ArrayList<>();

	/**
	 * Whether every Google identity with a token for one of the audiences may call, from
	 * any project, when no allowed-callers are listed.
	 */
	private boolean allowAnyCaller = false;

	/**
	 * JWK Set URI of Google's signing keys.
	 */
	private String jwkSetUri = "https://www.googleapis.com/oauth2/v3/certs";

	/**
	 * Minimum time between two fetches of the JWK Set caused by tokens with an unknown
	 * key id; at least 1s.
	 */
	private Duration jwkSetRefetchInterval = Duration.ofSeconds(30);

	/**
	 * Longest a fetch of the JWK Set may take, and so the longest a request with a key id
	 * not known yet waits.
	 */
	private Duration jwkSetTimeout = Duration.ofSeconds(5);

	/**
	 * Accepted issuers ("iss").
	 */
	private List<String> issuers = new ArrayList<>(List.of("https://accounts.google.com", "accounts.google.com"));

	/**
	 * Clock skew allowed when checking "exp", "iat" and "nbf".
	 */
	private Duration clockSkew = Duration.ofSeconds(30);

	/**
	 * Longest lifetime (exp - iat) of an accepted token, before the clock skew. Google
	 * issues ID tokens for one hour.
	 */
	private Duration maxTokenLifetime = Duration.ofHours(1);

	/**
	 * Path patterns that need no token, such as health checks (Cloud Run's probes carry
	 * none).
	 */
	private List<String> publicPaths = new ArrayList<>(List.of("/actuator/health/**"));

	/**
	 * Whether to accept tokens whose signature Cloud Run's IAM invoker check replaced
	 * with SIGNATURE_REMOVED_BY_GOOGLE, without verifying a signature. Only for services
	 * behind that check; refused outside Cloud Run.
	 */
	private boolean trustCloudRunIam = false;

	/**
	 * Whether trust mode reads this service from the Cloud Run Admin API, in the
	 * background and then periodically, to refuse tokens with removed signatures if the
	 * service skips the invoker IAM check (invokerIamDisabled). Needs run.services.get on
	 * the service (roles/run.viewer).
	 */
	private boolean checkInvokerIam = true;

	/**
	 * How often trust mode reads the invoker IAM setting again; at least 10s.
	 */
	private Duration checkInvokerIamInterval = Duration.ofMinutes(1);

	/**
	 * Base URL of the Cloud Run Admin API.
	 */
	private String cloudRunApiUri = "https://run.googleapis.com";

	/**
	 * Whether to allow trust-cloud-run-iam where K_SERVICE is not set. For tests only:
	 * outside Cloud Run anyone can send a token with its signature removed.
	 */
	private boolean trustCloudRunIamOutsideCloudRun = false;

	/**
	 * Whether to enable method security, for @PreAuthorize and @AllowCallers. When not
	 * set, it is enabled if a bean uses a method-security annotation. Whichever way,
	 * startup fails if a bean uses an annotation that no method security enforces.
	 */
	private @Nullable Boolean methodSecurity;

	/**
	 * Rules for paths called with tokens for other audiences or by other callers, such as
	 * Pub/Sub push endpoints; the first rule whose pattern matches decides.
	 */
	private Map<String, Path> paths = new LinkedHashMap<>();

	private final VerifiedTokens verifiedTokens = new VerifiedTokens();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public List<String> getAudiences() {
		return this.audiences;
	}

	public void setAudiences(List<String> audiences) {
		this.audiences = audiences;
	}

	public List<String> getAllowedCallers() {
		return this.allowedCallers;
	}

	public void setAllowedCallers(List<String> allowedCallers) {
		this.allowedCallers = allowedCallers;
	}

	public boolean isAllowAnyCaller() {
		return this.allowAnyCaller;
	}

	public void setAllowAnyCaller(boolean allowAnyCaller) {
		this.allowAnyCaller = allowAnyCaller;
	}

	public String getJwkSetUri() {
		return this.jwkSetUri;
	}

	public void setJwkSetUri(String jwkSetUri) {
		this.jwkSetUri = jwkSetUri;
	}

	public Duration getJwkSetRefetchInterval() {
		return this.jwkSetRefetchInterval;
	}

	public void setJwkSetRefetchInterval(Duration jwkSetRefetchInterval) {
		this.jwkSetRefetchInterval = jwkSetRefetchInterval;
	}

	public Duration getJwkSetTimeout() {
		return this.jwkSetTimeout;
	}

	public void setJwkSetTimeout(Duration jwkSetTimeout) {
		this.jwkSetTimeout = jwkSetTimeout;
	}

	public List<String> getIssuers() {
		return this.issuers;
	}

	public void setIssuers(List<String> issuers) {
		this.issuers = issuers;
	}

	public Duration getClockSkew() {
		return this.clockSkew;
	}

	public void setClockSkew(Duration clockSkew) {
		this.clockSkew = clockSkew;
	}

	public Duration getMaxTokenLifetime() {
		return this.maxTokenLifetime;
	}

	public void setMaxTokenLifetime(Duration maxTokenLifetime) {
		this.maxTokenLifetime = maxTokenLifetime;
	}

	public List<String> getPublicPaths() {
		return this.publicPaths;
	}

	public void setPublicPaths(List<String> publicPaths) {
		this.publicPaths = publicPaths;
	}

	public boolean isTrustCloudRunIam() {
		return this.trustCloudRunIam;
	}

	public void setTrustCloudRunIam(boolean trustCloudRunIam) {
		this.trustCloudRunIam = trustCloudRunIam;
	}

	public boolean isCheckInvokerIam() {
		return this.checkInvokerIam;
	}

	public void setCheckInvokerIam(boolean checkInvokerIam) {
		this.checkInvokerIam = checkInvokerIam;
	}

	public Duration getCheckInvokerIamInterval() {
		return this.checkInvokerIamInterval;
	}

	public void setCheckInvokerIamInterval(Duration checkInvokerIamInterval) {
		this.checkInvokerIamInterval = checkInvokerIamInterval;
	}

	public String getCloudRunApiUri() {
		return this.cloudRunApiUri;
	}

	public void setCloudRunApiUri(String cloudRunApiUri) {
		this.cloudRunApiUri = cloudRunApiUri;
	}

	public boolean isTrustCloudRunIamOutsideCloudRun() {
		return this.trustCloudRunIamOutsideCloudRun;
	}

	public void setTrustCloudRunIamOutsideCloudRun(boolean trustCloudRunIamOutsideCloudRun) {
		this.trustCloudRunIamOutsideCloudRun = trustCloudRunIamOutsideCloudRun;
	}

	public @Nullable Boolean getMethodSecurity() {
		return this.methodSecurity;
	}

	public void setMethodSecurity(@Nullable Boolean methodSecurity) {
		this.methodSecurity = methodSecurity;
	}

	public Map<String, Path> getPaths() {
		return this.paths;
	}

	public void setPaths(Map<String, Path> paths) {
		this.paths = paths;
	}

	public VerifiedTokens getVerifiedTokens() {
		return this.verifiedTokens;
	}

	/**
	 * Properties of one rule of {@code cloudrun.auth.receiving.paths}: requests whose
	 * path matches its pattern are checked against its audiences and callers instead of
	 * the service's.
	 */
	public static class Path {

		/**
		 * Spring path pattern of the requests the rule applies to, within the application
		 * (without the context path), such as /events/pubsub.
		 */
		private @Nullable String pattern;

		/**
		 * Accepted audiences on these paths. An entry starting with '/' is resolved
		 * against each http(s) URL among the service's audiences. Left out, the service's
		 * audiences; set, never empty.
		 */
		private @Nullable List<String> audiences;

		/**
		 * Callers allowed on these paths, as in allowed-callers. Left out, the service's
		 * callers; set, never empty.
		 */
		private @Nullable List<String> allowedCallers;

		public @Nullable String getPattern() {
			return this.pattern;
		}

		public void setPattern(@Nullable String pattern) {
			this.pattern = pattern;
		}

		public @Nullable List<String> getAudiences() {
			return this.audiences;
		}

		public void setAudiences(@Nullable List<String> audiences) {
			this.audiences = audiences;
		}

		public @Nullable List<String> getAllowedCallers() {
			return this.allowedCallers;
		}

		public void setAllowedCallers(@Nullable List<String> allowedCallers) {
			this.allowedCallers = allowedCallers;
		}

	}

	/**
	 * Remembering verified tokens, so that a token presented again is not verified again
	 * until it expires.
	 */
	public static class VerifiedTokens {

		/**
		 * Whether to remember verified tokens. Application validators
		 * (OAuth2TokenValidator beans) then run once per token rather than once per
		 * request.
		 */
		private boolean enabled = true;

		/**
		 * Most tokens remembered; about 2.5 KB each.
		 */
		private int maxSize = 1000;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(int maxSize) {
			this.maxSize = maxSize;
		}

	}

}
