package dev.cloudrunauth.calling;

import java.io.IOException;
import java.util.List;

import com.google.auth.http.HttpTransportFactory;
import com.google.auth.oauth2.ComputeEngineCredentials;
import com.google.auth.oauth2.ExternalAccountAuthorizedUserCredentials;
import com.google.auth.oauth2.ExternalAccountCredentials;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.IdToken;
import com.google.auth.oauth2.IdTokenProvider;
import com.google.auth.oauth2.ImpersonatedCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.auth.oauth2.UserCredentials;
import org.jspecify.annotations.Nullable;

/**
 * Mints ID tokens with google-auth-library-java's {@link IdTokenProvider}. Credentials
 * are resolved on the first mint, not at construction, because Application Default
 * Credentials may probe the metadata server.
 */
final class GoogleCredentialsIdTokenMinter implements IdTokenMinter {

	static final String CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

	/**
	 * {@code FORMAT_FULL} makes the metadata server include {@code email};
	 * {@code INCLUDE_EMAIL} does the same for impersonation. Each credential type ignores
	 * the option that is not its own.
	 */
	private static final List<IdTokenProvider.Option> OPTIONS = List.of(IdTokenProvider.Option.FORMAT_FULL,
			IdTokenProvider.Option.INCLUDE_EMAIL);

	private final CredentialsLoader loader;

	private final @Nullable String impersonate;

	private final HttpTransportFactory transportFactory;

	private final @Nullable UserIdTokens userIdTokens;

	private final Object resolveLock = new Object();

	private volatile @Nullable IdTokenProvider provider;

	private volatile String description;

	GoogleCredentialsIdTokenMinter(CredentialsLoader loader, @Nullable String impersonate,
			HttpTransportFactory transportFactory) {
		this(loader, impersonate, transportFactory, null);
	}

	/**
	 * Create a minter.
	 * @param loader the credentials
	 * @param impersonate the service account to impersonate, if any
	 * @param transportFactory the transport of google-auth-library's requests
	 * @param userIdTokens where user credentials (without impersonation) get the user's
	 * own ID token, or {@code null} to reject them
	 */
	GoogleCredentialsIdTokenMinter(CredentialsLoader loader, @Nullable String impersonate,
			HttpTransportFactory transportFactory, @Nullable UserIdTokens userIdTokens) {
		this.loader = loader;
		this.impersonate = impersonate;
		this.transportFactory = transportFactory;
		this.userIdTokens = userIdTokens;
		this.description = (impersonate != null) ? "impersonation of " + impersonate + " over " + loader.description()
				: loader.description();
	}

	@Override
	public MintedIdToken mint(String audience) throws IOException {
		IdTokenProvider provider = provider();
		if (this.userIdTokens != null && provider instanceof UserCredentials user) {
			return this.userIdTokens.token(user);
		}
		IdToken token = provider.idTokenWithAudience(audience, OPTIONS);
		return new MintedIdToken(token.getTokenValue(), token.getExpirationTime().toInstant());
	}

	@Override
	public String describeCredentials() {
		return this.description;
	}

	private IdTokenProvider provider() throws IOException {
		IdTokenProvider provider = this.provider;
		if (provider != null) {
			return provider;
		}
		synchronized (this.resolveLock) {
			if (this.provider == null) {
				GoogleCredentials credentials = this.loader.load(this.transportFactory);
				if (this.impersonate != null) {
					credentials = impersonate(credentials, this.impersonate);
				}
				this.provider = checkCanMintIdTokens(credentials);
				this.description = describe(credentials);
			}
			return this.provider;
		}
	}

	private GoogleCredentials impersonate(GoogleCredentials source, String target) {
		GoogleCredentials scoped = source.createScopedRequired() ? source.createScoped(CLOUD_PLATFORM_SCOPE) : source;
		return ImpersonatedCredentials.newBuilder()
			.setSourceCredentials(scoped)
			.setTargetPrincipal(target)
			.setScopes(List.of(CLOUD_PLATFORM_SCOPE))
			.setHttpTransportFactory(this.transportFactory)
			.build();
	}

	private IdTokenProvider checkCanMintIdTokens(GoogleCredentials credentials) throws IOException {
		if (credentials instanceof UserCredentials user) {
			if (this.userIdTokens == null) {
				throw new IOException(UserIdTokens.rejected());
			}
			this.userIdTokens.warnOnce(user);
			return user;
		}
		if (credentials instanceof ExternalAccountAuthorizedUserCredentials) {
			throw new IOException("the credentials are workforce identity federation user credentials, which "
					+ "cannot mint ID tokens for an audience. Set cloudrun.auth.calling.impersonate-service-account "
					+ "to a service account on which you have roles/iam.serviceAccountOpenIdTokenCreator");
		}
		if (credentials instanceof ExternalAccountCredentials) {
			throw new IOException("workload identity federation credentials cannot mint ID tokens themselves. Set "
					+ "cloudrun.auth.calling.impersonate-service-account to a service account the federated "
					+ "identity may impersonate");
		}
		if (!(credentials instanceof IdTokenProvider provider)) {
			throw new IOException(credentials.getClass().getSimpleName() + " cannot mint ID tokens. Use a service "
					+ "account key, the metadata server, or set cloudrun.auth.calling.impersonate-service-account");
		}
		return provider;
	}

	static String describe(GoogleCredentials credentials) {
		if (credentials instanceof ComputeEngineCredentials) {
			return "the metadata server (ComputeEngineCredentials)";
		}
		if (credentials instanceof ServiceAccountCredentials serviceAccount) {
			return "the key of " + serviceAccount.getClientEmail() + " (ServiceAccountCredentials)";
		}
		if (credentials instanceof UserCredentials user) {
			return "user credentials of the OAuth client " + user.getClientId() + " (UserCredentials)";
		}
		if (credentials instanceof ImpersonatedCredentials impersonated) {
			return "impersonation of " + impersonated.getAccount() + " (ImpersonatedCredentials) over "
					+ describe(impersonated.getSourceCredentials());
		}
		return credentials.getClass().getSimpleName();
	}

}
