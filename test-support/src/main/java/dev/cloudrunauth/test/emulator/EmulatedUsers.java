package dev.cloudrunauth.test.emulator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;

/**
 * Google accounts of people, as {@code gcloud auth login --update-adc} or
 * {@code gcloud auth application-default login} leave them: an {@code authorized_user}
 * file (an OAuth client's id and secret and a refresh token) whose {@code token_uri} is
 * the emulator. Refreshing it there answers an access token of the user and the user's ID
 * token: {@code aud} and {@code azp} the client id, {@code email} the user's, signed with
 * the emulator's keys. From {@link GoogleIdentityEmulator#users()}.
 * <p>
 * A user is a principal like a service account:
 * {@link GoogleIdentityEmulator#serviceAccount(String)} with the user's email returns it,
 * to
 * {@link GoogleIdentityEmulator#restrictImpersonation(ServiceAccount, ServiceAccount...)
 * let the user impersonate} a service account.
 */
public final class EmulatedUsers {

	/**
	 * The OAuth client id of {@code gcloud auth login}, whose ID tokens Cloud Run's IAM
	 * check accepts.
	 */
	public static final String GCLOUD_CLIENT_ID = "32555940559.apps.googleusercontent.com";

	private final ServiceAccounts accounts;

	private final String tokenUri;

	EmulatedUsers(ServiceAccounts accounts, String tokenUri) {
		this.accounts = accounts;
		this.tokenUri = tokenUri;
	}

	/**
	 * Return the JSON of a new {@code authorized_user} file of the user, logged in with
	 * the OAuth client.
	 * @param email the user's email
	 * @param clientId the OAuth client id, such as {@link #GCLOUD_CLIENT_ID}
	 * @return the JSON
	 */
	public String authorizedUserJson(String email, String clientId) {
		ServiceAccounts.AuthorizedUser user = this.accounts.newAuthorizedUser(email, clientId);
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("type", "authorized_user");
		json.put("client_id", user.clientId());
		json.put("client_secret", user.clientSecret());
		json.put("refresh_token", user.refreshToken());
		json.put("token_uri", this.tokenUri);
		json.put("universe_domain", "googleapis.com");
		return JSONObjectUtils.toJSONString(json);
	}

	/**
	 * Write {@link #authorizedUserJson(String, String)} to a file and return it.
	 * @param email the user's email
	 * @param clientId the OAuth client id
	 * @param file the file
	 * @return the file
	 * @throws IOException if it cannot be written
	 */
	public Path writeAuthorizedUser(String email, String clientId, Path file) throws IOException {
		Files.writeString(file, authorizedUserJson(email, clientId));
		return file;
	}

}
