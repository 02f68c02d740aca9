package dev.cloudrunauth.calling;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import com.google.auth.oauth2.IdToken;
import com.google.auth.oauth2.UserCredentials;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The user's own ID token, for {@code cloudrun.auth.calling.user-credentials=id-token}:
 * google-auth-library's {@link UserCredentials#idTokenWithAudience} refreshes the
 * credentials and returns the {@code id_token} of the refresh response, ignoring the
 * audience, so the token is the same for every target. It is held here and handed to
 * every audience's cache entry while it is in the first half of its life, so that the
 * entries' refreshes, each ahead of expiry, share one refresh request.
 */
final class UserIdTokens {

	static final String PROPERTY = "cloudrun.auth.calling.user-credentials";

	private static final Log logger = LogFactory.getLog(CloudRunCallingAutoConfiguration.class);

	private final Clock clock;

	private final AtomicBoolean warned = new AtomicBoolean();

	private @Nullable MintedIdToken held;

	private long heldSince;

	UserIdTokens(Clock clock) {
		this.clock = clock;
	}

	/**
	 * Return the message of the failure of user credentials with
	 * {@code user-credentials=reject}.
	 * @return the message
	 */
	static String rejected() {
		return "the credentials are user credentials (such as those of 'gcloud auth application-default login'), "
				+ "which cannot mint ID tokens for an audience. Set cloudrun.auth.calling.impersonate-service-account "
				+ "to a service account on which you have roles/iam.serviceAccountOpenIdTokenCreator, or, for local "
				+ "development, " + PROPERTY + "=id-token to send your own ID token (its audience is the OAuth "
				+ "client, not the target)";
	}

	/**
	 * Log, once, what the user's token is and who accepts it.
	 * @param credentials the user credentials
	 */
	void warnOnce(UserCredentials credentials) {
		if (this.warned.compareAndSet(false, true)) {
			logger.warn("Cloud Run calling: " + PROPERTY + "=id-token, every target gets your own Google account's "
					+ "ID token. Its audience is the OAuth client " + credentials.getClientId() + ", not the target: "
					+ "Cloud Run's IAM check accepts it for principals with roles/run.invoker (with credentials from "
					+ "'gcloud auth login --update-adc'), and an application's verifier only if that client ID is "
					+ "among its audiences. For local development only");
		}
	}

	/**
	 * Return the held token while it is in the first half of its life, else refresh the
	 * credentials for a new one.
	 * @param credentials the user credentials
	 * @return the token
	 * @throws IOException if the refresh fails or its response has no {@code id_token}
	 */
	synchronized MintedIdToken token(UserCredentials credentials) throws IOException {
		long now = this.clock.millis();
		MintedIdToken held = this.held;
		if (held != null) {
			long expiresAt = held.expiresAt().toEpochMilli();
			if (expiresAt - now > (expiresAt - this.heldSince) / 2) {
				return held;
			}
		}
		// the audience is ignored: the token's is the OAuth client
		IdToken token = credentials.idTokenWithAudience("", List.of());
		MintedIdToken minted = new MintedIdToken(token.getTokenValue(),
				Instant.ofEpochMilli(token.getExpirationTime().getTime()));
		this.held = minted;
		this.heldSince = now;
		return minted;
	}

}
