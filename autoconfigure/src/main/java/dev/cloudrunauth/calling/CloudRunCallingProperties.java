package dev.cloudrunauth.calling;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;

/**
 * Configuration properties of the calling side: which services get an ID token, and where
 * tokens come from.
 */
@ConfigurationProperties("cloudrun.auth.calling")
public class CloudRunCallingProperties {

	/**
	 * Whether to add ID tokens to calls to the configured targets.
	 */
	private boolean enabled = true;

	/**
	 * Header that carries the ID token, unless a target names its own. When a request
	 * already has an Authorization header of its own, the token goes in
	 * X-Serverless-Authorization instead; a request that already has
	 * X-Serverless-Authorization gets no token.
	 */
	private IdTokenHeader header = IdTokenHeader.AUTHORIZATION;

	/**
	 * Location of a credentials file, typically a service account key, to mint ID tokens
	 * with. Application Default Credentials when not set.
	 */
	private @Nullable Resource credentialsLocation;

	/**
	 * Service account to mint ID tokens as, impersonated with the other credentials,
	 * which need roles/iam.serviceAccountOpenIdTokenCreator on it. Needed with user
	 * credentials and workload identity federation, which cannot mint ID tokens
	 * themselves.
	 */
	private @Nullable String impersonateServiceAccount;

	/**
	 * What to do with user credentials (gcloud's): reject them, or send the user's own ID
	 * token, whose audience is the OAuth client rather than the target, for local
	 * development. Does not apply with impersonate-service-account.
	 */
	private UserCredentials userCredentials = UserCredentials.REJECT;

	/**
	 * How long before a token expires to mint the next one, in the background. At most
	 * half a token's lifetime is used, and no less than the 5 s before expiry from which
	 * a token is no longer handed out.
	 */
	private Duration refreshBeforeExpiry = Duration.ofMinutes(5);

	/**
	 * Longest time a call waits for a token to be minted before it fails.
	 */
	private Duration timeout = Duration.ofSeconds(10);

	/**
	 * Maximum number of audiences whose tokens are cached, per identity; beyond it, the
	 * one least likely to be used again is evicted and its refresh cancelled.
	 */
	private int maxAudiences = 100;

	private final Backoff backoff = new Backoff();

	/**
	 * Services whose calls get an ID token, by a name of your choosing.
	 */
	private Map<String, Target> targets = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public IdTokenHeader getHeader() {
		return this.header;
	}

	public void setHeader(IdTokenHeader header) {
		this.header = header;
	}

	public @Nullable Resource getCredentialsLocation() {
		return this.credentialsLocation;
	}

	public void setCredentialsLocation(@Nullable Resource credentialsLocation) {
		this.credentialsLocation = credentialsLocation;
	}

	public @Nullable String getImpersonateServiceAccount() {
		return this.impersonateServiceAccount;
	}

	public void setImpersonateServiceAccount(@Nullable String impersonateServiceAccount) {
		this.impersonateServiceAccount = impersonateServiceAccount;
	}

	public UserCredentials getUserCredentials() {
		return this.userCredentials;
	}

	public void setUserCredentials(UserCredentials userCredentials) {
		this.userCredentials = userCredentials;
	}

	public Duration getRefreshBeforeExpiry() {
		return this.refreshBeforeExpiry;
	}

	public void setRefreshBeforeExpiry(Duration refreshBeforeExpiry) {
		this.refreshBeforeExpiry = refreshBeforeExpiry;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public int getMaxAudiences() {
		return this.maxAudiences;
	}

	public void setMaxAudiences(int maxAudiences) {
		this.maxAudiences = maxAudiences;
	}

	public Backoff getBackoff() {
		return this.backoff;
	}

	public Map<String, Target> getTargets() {
		return this.targets;
	}

	public void setTargets(Map<String, Target> targets) {
		this.targets = targets;
	}

	/**
	 * What to do with user credentials, which cannot mint ID tokens for an audience.
	 */
	public enum UserCredentials {

		/**
		 * Fail every call, naming the ways out.
		 */
		REJECT,

		/**
		 * Send the user's own ID token, from the refresh response, to every target.
		 */
		ID_TOKEN

	}

	/**
	 * Retries of failed mints.
	 */
	public static class Backoff {

		/**
		 * Delay before the first retry of a failed mint, plus up to a fifth of it at
		 * random.
		 */
		private Duration initial = Duration.ofSeconds(1);

		/**
		 * Longest delay between retries; the delay doubles after each failure up to it,
		 * with random jitter.
		 */
		private Duration max = Duration.ofSeconds(30);

		public Duration getInitial() {
			return this.initial;
		}

		public void setInitial(Duration initial) {
			this.initial = initial;
		}

		public Duration getMax() {
			return this.max;
		}

		public void setMax(Duration max) {
			this.max = max;
		}

	}

	/**
	 * A service that calls get an ID token for.
	 */
	public static class Target {

		/**
		 * URL of the service. Requests with its scheme, host and port, and a path under
		 * its path, get the token. A grpc URL (grpc://host[:port]) is a target of gRPC
		 * calls only.
		 */
		private @Nullable String url;

		/**
		 * Audience of the token. Defaults to the URL's scheme, host and (non-default)
		 * port, which is what Cloud Run expects; set it for custom audiences or Cloud
		 * Functions (host and path).
		 */
		private @Nullable String audience;

		/**
		 * Header that carries the token to this service, instead of the default.
		 */
		private @Nullable IdTokenHeader header;

		/**
		 * Service account to mint this service's tokens as, instead of the global
		 * impersonate-service-account (or the credentials' own identity), impersonated
		 * with the same credentials, which need
		 * roles/iam.serviceAccountOpenIdTokenCreator on it.
		 */
		private @Nullable String impersonateServiceAccount;

		public @Nullable String getUrl() {
			return this.url;
		}

		public void setUrl(@Nullable String url) {
			this.url = url;
		}

		public @Nullable String getAudience() {
			return this.audience;
		}

		public void setAudience(@Nullable String audience) {
			this.audience = audience;
		}

		public @Nullable IdTokenHeader getHeader() {
			return this.header;
		}

		public void setHeader(@Nullable IdTokenHeader header) {
			this.header = header;
		}

		public @Nullable String getImpersonateServiceAccount() {
			return this.impersonateServiceAccount;
		}

		public void setImpersonateServiceAccount(@Nullable String impersonateServiceAccount) {
			this.impersonateServiceAccount = impersonateServiceAccount;
		}

	}

}
