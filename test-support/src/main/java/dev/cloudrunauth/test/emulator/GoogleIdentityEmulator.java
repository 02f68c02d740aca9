package dev.cloudrunauth.test.emulator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;

import org.jspecify.annotations.Nullable;

/**
 * A local stand-in for Google's identity infrastructure that google-auth-library-java and Spring Security talk to over
 * real HTTP on 127.0.0.1: the metadata server, the OAuth 2.0 token endpoint of service account key files, the IAM
 * Credentials API, the JWKS of Google's signing keys and the Cloud Run Admin API's {@code services.get}. Each endpoint
 * listens on its own port.
 * <p>
 * Point google-auth-library at it with the environment variable {@code GCE_METADATA_HOST=}{@link #metadataHost()}
 * (metadata server), with a key file from {@link #writeServiceAccountKey(ServiceAccount, Path)} (its {@code token_uri}
 * is the emulator), or with {@code EmulatorHttpTransportFactory} (any credential, including impersonation through IAM
 * Credentials). Point a verifier at {@link #jwkSetUri()}, and a client of the Cloud Run Admin API at
 * {@link #cloudRunApiUri()}.
 */
public final class GoogleIdentityEmulator implements AutoCloseable {

	/**
	 * Scope of the access tokens that google-auth-library asks for by default.
	 */
	static final String CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

	private static final SecureRandom random = new SecureRandom();

	private final Clock clock;

	private final String projectId;

	private final String projectNumber;

	private final String region;

	private final SigningKeys keys = new SigningKeys();

	private final Map<String, ServiceAccount> accounts = new ConcurrentHashMap<>();

	private final Map<String, KeyFileKey> keyFileKeys = new ConcurrentHashMap<>();

	private final Map<String, AccessToken> accessTokens = new ConcurrentHashMap<>();

	private final Map<String, Set<String>> impersonationRestrictions = new ConcurrentHashMap<>();

	private final Map<String, AtomicLong> idTokensMinted = new ConcurrentHashMap<>();

	private final AtomicLong jwksFetches = new AtomicLong();

	private final Map<EmulatorEndpoint, EndpointServer> servers = new EnumMap<>(EmulatorEndpoint.class);

	private final ExecutorService executor;

	private final Instant startedAt;

	private volatile ServiceAccount metadataServiceAccount;

	private volatile Duration tokenLifetime;

	private volatile Issuer issuer;

	private volatile Duration jwksMaxAge;

	private volatile boolean invokerIamDisabled;

	private volatile boolean cloudRunAdminPermissionDenied;

	private GoogleIdentityEmulator(Builder builder) {
		this.clock = builder.clock;
		this.startedAt = this.clock.instant();
		this.projectId = builder.projectId;
		this.projectNumber = builder.projectNumber;
		this.region = builder.region;
		this.tokenLifetime = builder.tokenLifetime;
		this.issuer = builder.issuer;
		this.jwksMaxAge = builder.jwksMaxAge;
		String defaultEmail = (builder.serviceAccountEmail != null) ? builder.serviceAccountEmail
				: this.projectNumber + "-compute@developer.gserviceaccount.com";
		this.metadataServiceAccount = serviceAccount(defaultEmail);
		this.executor = Executors.newCachedThreadPool(daemonThreads());
		this.servers.put(EmulatorEndpoint.METADATA,
				new EndpointServer(EmulatorEndpoint.METADATA, new MetadataServerHandler(this), this.executor));
		this.servers.put(EmulatorEndpoint.OAUTH_TOKEN,
				new EndpointServer(EmulatorEndpoint.OAUTH_TOKEN, new OAuthTokenHandler(this), this.executor));
		this.servers.put(EmulatorEndpoint.IAM_CREDENTIALS, new EndpointServer(EmulatorEndpoint.IAM_CREDENTIALS,
				new IamCredentialsHandler(this), this.executor));
		this.servers.put(EmulatorEndpoint.JWKS,
				new EndpointServer(EmulatorEndpoint.JWKS, new JwksHandler(this), this.executor));
		this.servers.put(EmulatorEndpoint.CLOUD_RUN_ADMIN, new EndpointServer(EmulatorEndpoint.CLOUD_RUN_ADMIN,
				new CloudRunAdminHandler(this), this.executor));
	}

	/**
	 * Return a builder for an emulator.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Start an emulator on random ports with default settings.
	 * @return the running emulator
	 */
	public static GoogleIdentityEmulator start() {
		return builder().start();
	}

	private GoogleIdentityEmulator startServers(int basePort) {
		int offset = 0;
		try {
			for (EndpointServer server : this.servers.values()) {
				server.start((basePort != 0) ? basePort + offset++ : 0);
			}
		}
		catch (RuntimeException ex) {
			close();
			throw ex;
		}
		return this;
	}

	/**
	 * Stop all endpoints and release their ports.
	 */
	@Override
	public void close() {
		this.servers.values().forEach(EndpointServer::stop);
		this.executor.shutdownNow();
	}

	// Addresses

	/**
	 * Return the value for the {@code GCE_METADATA_HOST} environment variable.
	 * @return {@code 127.0.0.1:PORT} of the metadata server
	 */
	public String metadataHost() {
		return "127.0.0.1:" + port(EmulatorEndpoint.METADATA);
	}

	/**
	 * Return the base URL of the metadata server.
	 * @return {@code http://127.0.0.1:PORT}
	 */
	public String metadataUri() {
		return "http://" + metadataHost();
	}

	/**
	 * Return the OAuth 2.0 token endpoint, the {@code token_uri} of key files the emulator writes.
	 * @return {@code http://127.0.0.1:PORT/token}
	 */
	public String tokenUri() {
		return "http://127.0.0.1:" + port(EmulatorEndpoint.OAUTH_TOKEN) + "/token";
	}

	/**
	 * Return the base URL of the IAM Credentials API.
	 * @return {@code http://127.0.0.1:PORT}
	 */
	public String iamCredentialsUri() {
		return "http://127.0.0.1:" + port(EmulatorEndpoint.IAM_CREDENTIALS);
	}

	/**
	 * Return the JWK Set URI, the emulator's {@code https://www.googleapis.com/oauth2/v3/certs}.
	 * @return {@code http://127.0.0.1:PORT/oauth2/v3/certs}
	 */
	public String jwkSetUri() {
		return "http://127.0.0.1:" + port(EmulatorEndpoint.JWKS) + "/oauth2/v3/certs";
	}

	/**
	 * Return the base URL of the Cloud Run Admin API, the emulator's {@code https://run.googleapis.com}: it serves
	 * {@code GET /v2/projects/PROJECT/locations/REGION/services/NAME}.
	 * @return {@code http://127.0.0.1:PORT}
	 */
	public String cloudRunApiUri() {
		return "http://127.0.0.1:" + port(EmulatorEndpoint.CLOUD_RUN_ADMIN);
	}

	/**
	 * Return the port an endpoint listens on (kept while it refuses connections).
	 * @param endpoint the endpoint
	 * @return the port
	 */
	public int port(EmulatorEndpoint endpoint) {
		return this.servers.get(endpoint).port();
	}

	// Identities

	/**
	 * Return the service account with the given email, registering it first if it is new.
	 * @param email the service account email
	 * @return the service account
	 */
	public ServiceAccount serviceAccount(String email) {
		return this.accounts.computeIfAbsent(email, ServiceAccount::of);
	}

	/**
	 * Return the identity the metadata server answers for.
	 * @return the metadata server's service account
	 */
	public ServiceAccount metadataServiceAccount() {
		return this.metadataServiceAccount;
	}

	/**
	 * Change the identity the metadata server answers for.
	 * @param account the service account
	 */
	public void setMetadataServiceAccount(ServiceAccount account) {
		this.accounts.putIfAbsent(account.email(), account);
		this.metadataServiceAccount = account;
	}

	/**
	 * Write a service account key file for the given account whose {@code token_uri} is this emulator. The key is new
	 * and known only to this emulator.
	 * @param account the service account
	 * @param file where to write the JSON key
	 * @return the file
	 * @throws IOException if the file cannot be written
	 */
	public Path writeServiceAccountKey(ServiceAccount account, Path file) throws IOException {
		Files.writeString(file, serviceAccountKeyJson(account));
		return file;
	}

	/**
	 * Return the JSON of a new service account key for the given account whose {@code token_uri} is this emulator.
	 * @param account the service account
	 * @return the key file's content
	 */
	public String serviceAccountKeyJson(ServiceAccount account) {
		this.accounts.putIfAbsent(account.email(), account);
		RSAKey key = SigningKeys.generate();
		this.keyFileKeys.put(key.getKeyID(), new KeyFileKey(account, key));
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("type", "service_account");
		json.put("project_id", this.projectId);
		json.put("private_key_id", key.getKeyID());
		json.put("private_key", privateKeyPem(key));
		json.put("client_email", account.email());
		json.put("client_id", account.uniqueId());
		json.put("auth_uri", "https://accounts.google.com/o/oauth2/auth");
		json.put("token_uri", tokenUri());
		json.put("universe_domain", "googleapis.com");
		return JSONObjectUtils.toJSONString(json);
	}

	/**
	 * Allow only the given callers to impersonate {@code target} through IAM Credentials; others get 403 as without
	 * {@code roles/iam.serviceAccountOpenIdTokenCreator}. By default any caller holding an access token from this
	 * emulator may impersonate any service account it knows.
	 * @param target the service account to impersonate
	 * @param callers the service accounts allowed to impersonate it
	 */
	public void restrictImpersonation(ServiceAccount target, ServiceAccount... callers) {
		this.accounts.putIfAbsent(target.email(), target);
		Set<String> allowed = ConcurrentHashMap.newKeySet();
		for (ServiceAccount caller : callers) {
			allowed.add(caller.email());
		}
		this.impersonationRestrictions.put(target.email(), allowed);
	}

	// Tokens and keys

	/**
	 * Return the signing keys, to rotate them.
	 * @return the key ring
	 */
	public SigningKeys keys() {
		return this.keys;
	}

	/**
	 * Start building a token for the given audience, signed by the current key and issued now to the metadata server's
	 * service account, with the configured issuer and lifetime.
	 * @param audience the {@code aud} claim
	 * @return a builder
	 */
	public IdTokenBuilder idToken(String audience) {
		Instant now = this.clock.instant();
		return new IdTokenBuilder(this.keys, this.issuer.value(), audience, this.metadataServiceAccount, now,
				now.plus(this.tokenLifetime));
	}

	/**
	 * Sign exactly the given header and payload JSON with RS256 and the current signing key, for tokens that a builder
	 * cannot express (duplicate claims, odd encodings).
	 * @param headerJson the JOSE header
	 * @param payloadJson the claims
	 * @return the compact serialization
	 */
	public String signRaw(String headerJson, String payloadJson) {
		return IdTokenBuilder.signWithRsa(this.keys.signingKey(), headerJson, payloadJson);
	}

	/**
	 * Return the lifetime of minted ID and access tokens.
	 * @return the lifetime
	 */
	public Duration tokenLifetime() {
		return this.tokenLifetime;
	}

	/**
	 * Change the lifetime of tokens minted from now on (Google's is one hour).
	 * @param lifetime at least one second
	 */
	public void setTokenLifetime(Duration lifetime) {
		if (lifetime.compareTo(Duration.ofSeconds(1)) < 0) {
			throw new IllegalArgumentException("lifetime must be at least one second");
		}
		this.tokenLifetime = lifetime;
	}

	/**
	 * Change the {@code iss} claim of tokens minted from now on.
	 * @param issuer the issuer form
	 */
	public void setIssuer(Issuer issuer) {
		this.issuer = Objects.requireNonNull(issuer, "issuer cannot be null");
	}

	/**
	 * Change the {@code Cache-Control: max-age} of JWKS responses.
	 * @param maxAge the max age
	 */
	public void setJwksMaxAge(Duration maxAge) {
		this.jwksMaxAge = Objects.requireNonNull(maxAge, "maxAge cannot be null");
	}

	Duration jwksMaxAge() {
		return this.jwksMaxAge;
	}

	/**
	 * Change whether the Cloud Run services the Admin API describes have Cloud Run's invoker IAM check turned off
	 * ({@code --no-invoker-iam-check}): when {@code true} they carry {@code "invokerIamDisabled": true}, otherwise the
	 * field is absent, as proto3 JSON leaves out a false field. Default {@code false}; {@link #reset()} keeps it.
	 * @param disabled whether the invoker IAM check is off
	 */
	public void setInvokerIamDisabled(boolean disabled) {
		this.invokerIamDisabled = disabled;
	}

	boolean invokerIamDisabled() {
		return this.invokerIamDisabled;
	}

	/**
	 * Change whether the Cloud Run Admin API refuses to describe services, as for a caller without
	 * {@code run.services.get}: when {@code true} it answers 403 {@code PERMISSION_DENIED} to any authenticated
	 * request. Default {@code false}; {@link #reset()} keeps it.
	 * @param denied whether {@code run.services.get} is denied
	 */
	public void setCloudRunAdminPermissionDenied(boolean denied) {
		this.cloudRunAdminPermissionDenied = denied;
	}

	boolean cloudRunAdminPermissionDenied() {
		return this.cloudRunAdminPermissionDenied;
	}

	// Faults and counters

	/**
	 * Make an endpoint fail until {@link #clearFault(EmulatorEndpoint)}; replaces a fault already there.
	 * @param endpoint the endpoint
	 * @param fault the fault
	 */
	public void inject(EmulatorEndpoint endpoint, Fault fault) {
		this.servers.get(endpoint).fault(Objects.requireNonNull(fault, "fault cannot be null"));
	}

	/**
	 * Make an endpoint answer normally again.
	 * @param endpoint the endpoint
	 */
	public void clearFault(EmulatorEndpoint endpoint) {
		this.servers.get(endpoint).fault(null);
	}

	/**
	 * Make every endpoint answer normally again.
	 */
	public void clearFaults() {
		this.servers.values().forEach((server) -> server.fault(null));
	}

	/**
	 * Return how many ID tokens the endpoints minted for an audience.
	 * @param audience the audience
	 * @return the count since start or the last reset
	 */
	public long idTokensMinted(String audience) {
		AtomicLong count = this.idTokensMinted.get(audience);
		return (count != null) ? count.get() : 0;
	}

	/**
	 * Return how many ID tokens the endpoints minted for all audiences.
	 * @return the count since start or the last reset
	 */
	public long idTokensMinted() {
		return this.idTokensMinted.values().stream().mapToLong(AtomicLong::get).sum();
	}

	/**
	 * Return how many times the JWKS was served.
	 * @return the count since start or the last reset
	 */
	public long jwksFetches() {
		return this.jwksFetches.get();
	}

	/**
	 * Return how many requests reached an endpoint, whether answered normally or with a fault.
	 * @param endpoint the endpoint
	 * @return the count since start or the last reset
	 */
	public long requests(EmulatorEndpoint endpoint) {
		return this.servers.get(endpoint).requests();
	}

	/**
	 * Set all counters back to zero.
	 */
	public void resetCounters() {
		this.idTokensMinted.clear();
		this.jwksFetches.set(0);
		this.servers.values().forEach(EndpointServer::resetRequests);
	}

	/**
	 * Clear all faults and counters; identities, keys and settings stay, among them the Cloud Run Admin API's
	 * ({@link #setInvokerIamDisabled(boolean)}, {@link #setCloudRunAdminPermissionDenied(boolean)}).
	 */
	public void reset() {
		clearFaults();
		resetCounters();
	}

	// Project

	/**
	 * Return the project id the metadata server reports.
	 * @return the project id
	 */
	public String projectId() {
		return this.projectId;
	}

	/**
	 * Return the project number the metadata server reports.
	 * @return the project number
	 */
	public String projectNumber() {
		return this.projectNumber;
	}

	/**
	 * Return the region the metadata server reports.
	 * @return the region
	 */
	public String region() {
		return this.region;
	}

	// Used by the handlers

	String mintIdToken(ServiceAccount account, String audience, boolean includeEmail, boolean emailAsAzp) {
		Instant now = this.clock.instant();
		Map<String, Object> claims = new LinkedHashMap<>();
		claims.put("aud", audience);
		claims.put("azp", emailAsAzp ? account.email() : account.uniqueId());
		if (includeEmail) {
			claims.put("email", account.email());
			claims.put("email_verified", true);
		}
		claims.put("exp", now.plus(this.tokenLifetime).getEpochSecond());
		claims.put("iat", now.getEpochSecond());
		claims.put("iss", this.issuer.value());
		claims.put("sub", account.uniqueId());
		RSAKey key = this.keys.signingKey();
		Map<String, Object> header = new LinkedHashMap<>();
		header.put("alg", "RS256");
		header.put("kid", key.getKeyID());
		header.put("typ", "JWT");
		String token = IdTokenBuilder.signWithRsa(key, JSONObjectUtils.toJSONString(header),
				JSONObjectUtils.toJSONString(claims));
		this.idTokensMinted.computeIfAbsent(audience, (any) -> new AtomicLong()).incrementAndGet();
		return token;
	}

	AccessToken issueAccessToken(ServiceAccount account) {
		byte[] bytes = new byte[24];
		random.nextBytes(bytes);
		String value = "ya29.emulator." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
		AccessToken token = new AccessToken(value, account, this.clock.instant().plus(this.tokenLifetime));
		this.accessTokens.put(value, token);
		return token;
	}

	@Nullable ServiceAccount accessTokenOwner(String value) {
		AccessToken token = this.accessTokens.get(value);
		if (token == null) {
			return null;
		}
		if (!token.expiresAt().isAfter(this.clock.instant())) {
			this.accessTokens.remove(value);
			return null;
		}
		return token.account();
	}

	@Nullable KeyFileKey keyFileKey(String keyId) {
		return this.keyFileKeys.get(keyId);
	}

	@Nullable ServiceAccount knownServiceAccount(String email) {
		return this.accounts.get(email);
	}

	boolean mayImpersonate(ServiceAccount caller, ServiceAccount target) {
		Set<String> allowed = this.impersonationRestrictions.get(target.email());
		return allowed == null || allowed.contains(caller.email());
	}

	String signingKeysJson() {
		this.jwksFetches.incrementAndGet();
		return this.keys.jwkSetJson();
	}

	Clock clock() {
		return this.clock;
	}

	Instant startedAt() {
		return this.startedAt;
	}

	private static String privateKeyPem(RSAKey key) {
		try {
			String body = Base64.getMimeEncoder(64, new byte[] { '\n' })
				.encodeToString(key.toRSAPrivateKey().getEncoded());
			return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static ThreadFactory daemonThreads() {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, "google-identity-emulator-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	record AccessToken(String value, ServiceAccount account, Instant expiresAt) {
	}

	record KeyFileKey(ServiceAccount account, RSAKey key) {
	}

	/**
	 * Settings of an emulator before it starts.
	 */
	public static final class Builder {

		private int port;

		private String projectId = "emulator-project";

		private String projectNumber = "123456789012";

		private String region = "us-central1";

		private @Nullable String serviceAccountEmail;

		private Duration tokenLifetime = Duration.ofHours(1);

		private Issuer issuer = Issuer.HTTPS;

		private Duration jwksMaxAge = Duration.ofSeconds(21600);

		private Clock clock = Clock.systemUTC();

		private Builder() {
		}

		/**
		 * Listen on fixed ports: the metadata server on {@code port}, the OAuth token endpoint on {@code port + 1},
		 * IAM Credentials on {@code port + 2}, the JWKS on {@code port + 3} and the Cloud Run Admin API on
		 * {@code port + 4}. The default, 0, picks free ports.
		 * @param port the metadata server's port, or 0
		 * @return this builder
		 */
		public Builder port(int port) {
			if (port < 0 || port > 65531) {
				throw new IllegalArgumentException("port must be between 0 and 65531, got " + port);
			}
			this.port = port;
			return this;
		}

		/**
		 * Set the project id (default {@code emulator-project}).
		 * @param projectId the project id
		 * @return this builder
		 */
		public Builder projectId(String projectId) {
			this.projectId = Objects.requireNonNull(projectId, "projectId cannot be null");
			return this;
		}

		/**
		 * Set the project number (default {@code 123456789012}).
		 * @param projectNumber the project number
		 * @return this builder
		 */
		public Builder projectNumber(String projectNumber) {
			this.projectNumber = Objects.requireNonNull(projectNumber, "projectNumber cannot be null");
			return this;
		}

		/**
		 * Set the region (default {@code us-central1}).
		 * @param region the region
		 * @return this builder
		 */
		public Builder region(String region) {
			this.region = Objects.requireNonNull(region, "region cannot be null");
			return this;
		}

		/**
		 * Set the metadata server's service account (default: the project's default compute service account).
		 * @param email the service account email
		 * @return this builder
		 */
		public Builder serviceAccount(String email) {
			this.serviceAccountEmail = Objects.requireNonNull(email, "email cannot be null");
			return this;
		}

		/**
		 * Set the lifetime of minted tokens (default one hour).
		 * @param tokenLifetime at least one second
		 * @return this builder
		 */
		public Builder tokenLifetime(Duration tokenLifetime) {
			if (tokenLifetime.compareTo(Duration.ofSeconds(1)) < 0) {
				throw new IllegalArgumentException("tokenLifetime must be at least one second");
			}
			this.tokenLifetime = tokenLifetime;
			return this;
		}

		/**
		 * Set the issuer form of minted tokens (default {@link Issuer#HTTPS}).
		 * @param issuer the issuer form
		 * @return this builder
		 */
		public Builder issuer(Issuer issuer) {
			this.issuer = Objects.requireNonNull(issuer, "issuer cannot be null");
			return this;
		}

		/**
		 * Set the {@code Cache-Control: max-age} of JWKS responses (default six hours, as Google's).
		 * @param jwksMaxAge the max age
		 * @return this builder
		 */
		public Builder jwksMaxAge(Duration jwksMaxAge) {
			this.jwksMaxAge = Objects.requireNonNull(jwksMaxAge, "jwksMaxAge cannot be null");
			return this;
		}

		/**
		 * Set the clock that stamps {@code iat} and {@code exp} (default the system clock).
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "clock cannot be null");
			return this;
		}

		/**
		 * Start the emulator.
		 * @return the running emulator
		 */
		public GoogleIdentityEmulator start() {
			return new GoogleIdentityEmulator(this).startServers(this.port);
		}

	}

}
