package dev.cloudrunauth.calling;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.http.HttpTransportFactory;
import com.google.auth.oauth2.GoogleCredentials;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.core.io.Resource;
import org.springframework.util.Assert;

/**
 * {@link IdTokenSource} backed by google-auth-library-java: Application Default
 * Credentials (a key file named by {@code GOOGLE_APPLICATION_CREDENTIALS}, gcloud's file,
 * or the metadata server), an explicit key file, given credentials, or impersonation of a
 * service account over any of those. Tokens are cached per audience and minted ahead of
 * expiry in the background. Targets configured with a service account of their own get
 * tokens minted as it, over the same credentials, cached apart.
 */
public final class GoogleIdTokenSource implements IdTokenSource, AutoCloseable {

	private final IdTokenCaches caches;

	private GoogleIdTokenSource(IdTokenCaches caches) {
		this.caches = caches;
	}

	/**
	 * Return a builder; without further settings it uses Application Default Credentials.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	@Override
	public String token(String audience) {
		Assert.hasText(audience, "audience cannot be empty");
		return this.caches.own().token(audience);
	}

	@Override
	public CompletableFuture<String> tokenAsync(String audience) {
		Assert.hasText(audience, "audience cannot be empty");
		return this.caches.own().tokenAsync(audience);
	}

	/**
	 * Return the caches, per identity, that the clients' calls to targets and the health
	 * indicator use.
	 * @return the caches
	 */
	IdTokenCaches caches() {
		return this.caches;
	}

	/**
	 * Describe the credentials tokens are minted with.
	 * @return the description
	 */
	String credentials() {
		return this.caches.own().credentialsDescription();
	}

	/**
	 * Return how many calls were answered from the cache, of every identity.
	 * @return the count
	 */
	long cacheHits() {
		return this.caches.sum((cache) -> cache.statistics().hits.sum());
	}

	/**
	 * Return how many calls found no usable token and waited for (or failed to get) a
	 * mint, of every identity.
	 * @return the count
	 */
	long cacheMisses() {
		return this.caches.sum((cache) -> cache.statistics().misses.sum());
	}

	IdTokenCache cache() {
		return this.caches.own();
	}

	/**
	 * Stop background refreshes.
	 */
	@Override
	public void close() {
		this.caches.close();
	}

	/**
	 * Settings of a {@link GoogleIdTokenSource}.
	 */
	public static final class Builder {

		private CredentialsLoader loader = CredentialsLoader.applicationDefault();

		private @Nullable String impersonate;

		private boolean userIdTokens;

		private HttpTransportFactory transportFactory = NetHttpTransport::new;

		private Duration refreshBeforeExpiry = Duration.ofMinutes(5);

		private Duration timeout = Duration.ofSeconds(10);

		private int maxAudiences = 100;

		private Duration initialBackoff = Duration.ofSeconds(1);

		private Duration maxBackoff = Duration.ofSeconds(30);

		private Clock clock = Clock.systemUTC();

		private IdTokenMintObservations observations = IdTokenMintObservations.NONE;

		private CallingTargets targets = new CallingTargets(List.of());

		private Builder() {
		}

		/**
		 * Mint with the given credentials instead of Application Default Credentials.
		 * @param credentials the credentials
		 * @return this builder
		 */
		public Builder credentials(GoogleCredentials credentials) {
			Assert.notNull(credentials, "credentials cannot be null");
			this.loader = CredentialsLoader.given(credentials);
			return this;
		}

		/**
		 * Mint with the credentials in a JSON file, typically a service account key,
		 * instead of Application Default Credentials. The file is read on the first mint.
		 * @param location the file
		 * @return this builder
		 */
		public Builder credentialsLocation(Resource location) {
			Assert.notNull(location, "location cannot be null");
			this.loader = CredentialsLoader.file(location);
			return this;
		}

		/**
		 * Mint as the given service account, impersonated through the IAM Credentials API
		 * with the other credentials, which need
		 * {@code roles/iam.serviceAccountOpenIdTokenCreator} on it.
		 * @param serviceAccountEmail the service account
		 * @return this builder
		 */
		public Builder impersonateServiceAccount(@Nullable String serviceAccountEmail) {
			this.impersonate = serviceAccountEmail;
			return this;
		}

		/**
		 * With user credentials and no impersonation, send the user's own ID token (its
		 * audience the OAuth client, whatever the target) instead of failing.
		 * @param userIdTokens whether to
		 * @return this builder
		 */
		Builder userIdTokens(boolean userIdTokens) {
			this.userIdTokens = userIdTokens;
			return this;
		}

		/**
		 * Use the given HTTP transport for all of google-auth-library's requests.
		 * @param transportFactory the transport factory
		 * @return this builder
		 */
		public Builder httpTransportFactory(HttpTransportFactory transportFactory) {
			Assert.notNull(transportFactory, "transportFactory cannot be null");
			this.transportFactory = transportFactory;
			return this;
		}

		/**
		 * Mint the next token this long before the current one expires (at most half a
		 * token's lifetime).
		 * @param refreshBeforeExpiry the refresh margin
		 * @return this builder
		 */
		public Builder refreshBeforeExpiry(Duration refreshBeforeExpiry) {
			Assert.isTrue(refreshBeforeExpiry != null && !refreshBeforeExpiry.isNegative(),
					"refreshBeforeExpiry must not be negative");
			this.refreshBeforeExpiry = refreshBeforeExpiry;
			return this;
		}

		/**
		 * Wait at most this long for a token to be minted.
		 * @param timeout the timeout
		 * @return this builder
		 */
		public Builder timeout(Duration timeout) {
			Assert.isTrue(timeout != null && timeout.toMillis() > 0, "timeout must be positive");
			this.timeout = timeout;
			return this;
		}

		/**
		 * Cache tokens for at most this many audiences, evicting those least likely to be
		 * used again.
		 * @param maxAudiences the bound
		 * @return this builder
		 */
		public Builder maxAudiences(int maxAudiences) {
			Assert.isTrue(maxAudiences > 0, "maxAudiences must be positive");
			this.maxAudiences = maxAudiences;
			return this;
		}

		/**
		 * Retry a failed mint after {@code initial}, doubling up to {@code max}, each
		 * delay with random jitter.
		 * @param initial the first delay
		 * @param max the longest delay
		 * @return this builder
		 */
		public Builder backoff(Duration initial, Duration max) {
			Assert.isTrue(initial != null && initial.toMillis() > 0, "initial backoff must be positive");
			Assert.isTrue(max != null && max.compareTo(initial) >= 0, "max backoff must not be less than initial");
			this.initialBackoff = initial;
			this.maxBackoff = max;
			return this;
		}

		/**
		 * Use the given clock to judge expiry.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			Assert.notNull(clock, "clock cannot be null");
			this.clock = clock;
			return this;
		}

		/**
		 * Mint for the given targets, each as its own identity where it has one, and
		 * observe every mint in the given registry, naming the target of its audience.
		 * @param registry the registry
		 * @param targets the targets
		 * @return this builder
		 */
		Builder targets(ObservationRegistry registry, CallingTargets targets) {
			Assert.notNull(registry, "registry cannot be null");
			Assert.notNull(targets, "targets cannot be null");
			this.observations = new IdTokenMintObservations(registry, targets);
			this.targets = targets;
			return this;
		}

		/**
		 * Build the source: one token cache per identity, all minting over the same
		 * credentials, loaded once. No credentials are loaded and no request is made
		 * until the first token is asked for.
		 * @return the source
		 */
		public GoogleIdTokenSource build() {
			CredentialsLoader loader = CredentialsLoader.shared(this.loader);
			String identity = (this.impersonate != null) ? this.impersonate : IdTokenMintObservations.DEFAULT_IDENTITY;
			Map<String, IdTokenCache> targetIdentities = new LinkedHashMap<>();
			for (CallingTarget target : this.targets.asList()) {
				String email = target.identity();
				if (email != null && !targetIdentities.containsKey(email)) {
					targetIdentities.put(email,
							cache(loader, email, false, this.observations.forIdentity(email, email)));
				}
			}
			return new GoogleIdTokenSource(new IdTokenCaches(
					cache(loader, this.impersonate, this.userIdTokens, this.observations.forIdentity(null, identity)),
					identity, targetIdentities));
		}

		private IdTokenCache cache(CredentialsLoader loader, @Nullable String impersonate, boolean userIdTokens,
				IdTokenMintObservations observations) {
			IdTokenMinter minter = new GoogleCredentialsIdTokenMinter(loader, impersonate, this.transportFactory,
					userIdTokens ? new UserIdTokens(this.clock) : null);
			return new IdTokenCache(minter, this.clock, this.refreshBeforeExpiry, this.timeout, this.maxAudiences,
					this.initialBackoff, this.maxBackoff, observations);
		}

	}

}
