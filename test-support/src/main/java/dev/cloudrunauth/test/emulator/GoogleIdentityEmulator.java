package dev.cloudrunauth.test.emulator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A local stand-in for Google's identity infrastructure that google-auth-library-java and
 * Spring Security talk to over real HTTP on 127.0.0.1: the metadata server, the OAuth 2.0
 * token endpoint of service account key files, the IAM Credentials API, the JWKS of
 * Google's signing keys and the Cloud Run Admin API's {@code services.get}. Each endpoint
 * listens on its own port.
 * <p>
 * Point google-auth-library at it with the environment variable
 * {@code GCE_METADATA_HOST=}{@link #metadataHost()} (metadata server), with a key file
 * from {@link #writeServiceAccountKey(ServiceAccount, Path)} (its {@code token_uri} is
 * the emulator), or with {@code EmulatorHttpTransportFactory} (any credential, including
 * impersonation through IAM Credentials). Point a verifier at {@link #jwkSetUri()}, and a
 * client of the Cloud Run Admin API at {@link #cloudRun()}.
 */
public final class GoogleIdentityEmulator implements AutoCloseable {

	private final EmulatorSettings settings;

	private final SigningKeys keys = new SigningKeys();

	private final IapSigningKeys iapKeys = new IapSigningKeys();

	private final ServiceAccounts accounts;

	private final TokenMint tokens;

	private final JwksHandler jwks;

	private final Endpoints endpoints;

	GoogleIdentityEmulator(EmulatorSettings settings, String metadataServiceAccountEmail, int basePort) {
		this.settings = settings;
		this.accounts = new ServiceAccounts(metadataServiceAccountEmail);
		this.tokens = new TokenMint(this.keys, settings);
		this.jwks = new JwksHandler(this.keys, this.iapKeys, settings);
		this.endpoints = new Endpoints(settings, this.accounts, this.tokens, this.jwks, this::tokenUri);
		this.endpoints.start(basePort);
	}

	/**
	 * Return a builder for an emulator.
	 */
	public static GoogleIdentityEmulatorBuilder builder() {
		return new GoogleIdentityEmulatorBuilder();
	}

	/**
	 * Start an emulator on free ports with default settings.
	 */
	public static GoogleIdentityEmulator start() {
		return builder().start();
	}

	/**
	 * Stop all endpoints and release their ports.
	 */
	@Override
	public void close() {
		this.endpoints.stop();
	}

	/**
	 * Return the value for {@code GCE_METADATA_HOST}, {@code 127.0.0.1:PORT}.
	 */
	public String metadataHost() {
		return "127.0.0.1:" + port(EmulatorEndpoint.METADATA);
	}

	/**
	 * Return the base URL of the metadata server, {@code http://127.0.0.1:PORT}.
	 */
	public String metadataUri() {
		return "http://" + metadataHost();
	}

	/**
	 * Return the OAuth 2.0 token endpoint, {@code http://127.0.0.1:PORT/token}: the
	 * {@code token_uri} of key files.
	 */
	public String tokenUri() {
		return "http://127.0.0.1:" + port(EmulatorEndpoint.OAUTH_TOKEN) + "/token";
	}

	/**
	 * Return the base URL of the IAM Credentials API, {@code http://127.0.0.1:PORT}.
	 */
	public String iamCredentialsUri() {
		return "http://127.0.0.1:" + port(EmulatorEndpoint.IAM_CREDENTIALS);
	}

	/**
	 * Return the JWK Set URI, {@code http://127.0.0.1:PORT/oauth2/v3/certs}, as Google's
	 * at www.googleapis.com.
	 */
	public String jwkSetUri() {
		return "http://127.0.0.1:" + port(EmulatorEndpoint.JWKS) + "/oauth2/v3/certs";
	}

	/**
	 * Return the port an endpoint listens on, kept while it refuses connections.
	 */
	public int port(EmulatorEndpoint endpoint) {
		return this.endpoints.port(endpoint);
	}

	/**
	 * Return the service account with the given email, registering it first if it is new.
	 */
	public ServiceAccount serviceAccount(String email) {
		return this.accounts.get(email);
	}

	/**
	 * Return the service account the metadata server answers for.
	 */
	public ServiceAccount metadataServiceAccount() {
		return this.accounts.metadataServiceAccount();
	}

	/**
	 * Write a new key of the account, known only to this emulator, to a key file whose
	 * {@code token_uri} is the emulator, and return the file.
	 */
	public Path writeServiceAccountKey(ServiceAccount account, Path file) throws IOException {
		Files.writeString(file, serviceAccountKeyJson(account));
		return file;
	}

	/**
	 * Return the JSON of a new service account key, as
	 * {@link #writeServiceAccountKey(ServiceAccount, Path)} writes.
	 */
	public String serviceAccountKeyJson(ServiceAccount account) {
		return this.accounts.newKeyFile(account, this.settings.projectId(), tokenUri());
	}

	/**
	 * Allow only the given callers (service accounts or {@link #users() users}) to
	 * impersonate {@code target} through IAM Credentials (by default anyone may); others
	 * get 403 as without {@code roles/iam.serviceAccountOpenIdTokenCreator}.
	 */
	public void restrictImpersonation(ServiceAccount target, ServiceAccount... callers) {
		this.accounts.restrictImpersonation(target, callers);
	}

	/**
	 * Return the users' {@code authorized_user} files, refreshed at {@link #tokenUri()}.
	 */
	public EmulatedUsers users() {
		return new EmulatedUsers(this.accounts, tokenUri());
	}

	/**
	 * Return the signing keys, to rotate them.
	 */
	public SigningKeys keys() {
		return this.keys;
	}

	/**
	 * Return the Cloud Run Admin API: what it says of services, whether it lets them in.
	 */
	public EmulatedCloudRun cloudRun() {
		return new EmulatedCloudRun(this.settings, port(EmulatorEndpoint.CLOUD_RUN_ADMIN));
	}

	/**
	 * Return Identity-Aware Proxy: its keys and the signed headers it sends.
	 */
	public EmulatedIap iap() {
		return new EmulatedIap(this.iapKeys, this.keys, this.settings, this.jwks, port(EmulatorEndpoint.JWKS));
	}

	/**
	 * Start building a token issued now to the metadata server's service account, with
	 * the current settings and key.
	 */
	public IdTokenBuilder idToken(String audience) {
		return this.tokens.idToken(audience, metadataServiceAccount());
	}

	/**
	 * Sign exactly the given JSON (header, claims) with RS256 and the current key, for
	 * what a builder cannot express (duplicate claims), and return the compact form.
	 */
	public String signRaw(String headerJson, String payloadJson) {
		return IdTokenBuilder.signWithRsa(this.keys.signingKey(), headerJson, payloadJson);
	}

	/**
	 * Change the lifetime of tokens minted from now on, at least one second (Google's is
	 * one hour).
	 */
	public void setTokenLifetime(Duration lifetime) {
		this.settings.tokenLifetime(lifetime);
	}

	/**
	 * Change the {@code iss} claim of tokens minted from now on.
	 */
	public void setIssuer(Issuer issuer) {
		this.settings.issuer(issuer);
	}

	/**
	 * Change the {@code Cache-Control: max-age} of JWKS responses.
	 */
	public void setJwksMaxAge(Duration maxAge) {
		this.settings.jwksMaxAge(maxAge);
	}

	/**
	 * Make an endpoint fail until {@link #clearFault(EmulatorEndpoint)}, replacing a
	 * fault already there.
	 */
	public void inject(EmulatorEndpoint endpoint, Fault fault) {
		this.endpoints.inject(endpoint, fault);
	}

	/**
	 * Make an endpoint answer normally again.
	 */
	public void clearFault(EmulatorEndpoint endpoint) {
		this.endpoints.clearFault(endpoint);
	}

	/**
	 * Return how many ID tokens the endpoints minted for an audience.
	 */
	public long idTokensMinted(String audience) {
		return this.tokens.idTokensMinted(audience);
	}

	/**
	 * Return how many ID tokens the endpoints minted for all audiences.
	 */
	public long idTokensMinted() {
		return this.tokens.idTokensMinted();
	}

	/**
	 * Return how many times the JWKS was served.
	 */
	public long jwksFetches() {
		return this.jwks.fetches();
	}

	/**
	 * Return how many requests reached an endpoint, answered normally or with a fault.
	 */
	public long requests(EmulatorEndpoint endpoint) {
		return this.endpoints.requests(endpoint);
	}

	/**
	 * Set all counters, which count since start or the last reset, back to zero.
	 */
	public void resetCounters() {
		this.tokens.resetCounters();
		this.jwks.resetFetches();
		this.endpoints.resetRequests();
	}

	/**
	 * Clear all faults and counters; identities, keys and settings stay.
	 */
	public void reset() {
		this.endpoints.clearFaults();
		resetCounters();
	}

	/**
	 * Return the project id the metadata server reports.
	 */
	public String projectId() {
		return this.settings.projectId();
	}

	/**
	 * Return the project number the metadata server reports.
	 */
	public String projectNumber() {
		return this.settings.projectNumber();
	}

	/**
	 * Return the region the metadata server reports.
	 */
	public String region() {
		return this.settings.region();
	}

}
