package dev.cloudrunauth.test.emulator;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;

import org.jspecify.annotations.Nullable;

/**
 * The service accounts the emulator knows: the metadata server's, the keys of the key
 * files it wrote, and who may impersonate whom through IAM Credentials.
 */
final class ServiceAccounts {

	private final Map<String, ServiceAccount> accounts = new ConcurrentHashMap<>();

	private final Map<String, KeyFileKey> keyFileKeys = new ConcurrentHashMap<>();

	private final Map<String, Set<String>> impersonationRestrictions = new ConcurrentHashMap<>();

	private final Map<String, AuthorizedUser> users = new ConcurrentHashMap<>();

	private volatile ServiceAccount metadataServiceAccount;

	ServiceAccounts(String metadataServiceAccountEmail) {
		this.metadataServiceAccount = get(metadataServiceAccountEmail);
	}

	ServiceAccount get(String email) {
		return this.accounts.computeIfAbsent(email, ServiceAccount::of);
	}

	@Nullable ServiceAccount known(String email) {
		return this.accounts.get(email);
	}

	ServiceAccount metadataServiceAccount() {
		return this.metadataServiceAccount;
	}

	void metadataServiceAccount(ServiceAccount account) {
		this.accounts.putIfAbsent(account.email(), account);
		this.metadataServiceAccount = account;
	}

	String newKeyFile(ServiceAccount account, String projectId, String tokenUri) {
		this.accounts.putIfAbsent(account.email(), account);
		RSAKey key = SigningKeys.generate();
		this.keyFileKeys.put(key.getKeyID(), new KeyFileKey(account, key));
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("type", "service_account");
		json.put("project_id", projectId);
		json.put("private_key_id", key.getKeyID());
		json.put("private_key", privateKeyPem(key));
		json.put("client_email", account.email());
		json.put("client_id", account.uniqueId());
		json.put("auth_uri", "https://accounts.google.com/o/oauth2/auth");
		json.put("token_uri", tokenUri);
		json.put("universe_domain", "googleapis.com");
		return JSONObjectUtils.toJSONString(json);
	}

	/**
	 * Register a user's {@code gcloud} login: a new client secret and refresh token for
	 * the OAuth client.
	 */
	AuthorizedUser newAuthorizedUser(String email, String clientId) {
		AuthorizedUser user = new AuthorizedUser(get(email), clientId, "emulator-secret-" + UUID.randomUUID(),
				"1//emulator-refresh-" + UUID.randomUUID());
		this.users.put(user.refreshToken(), user);
		return user;
	}

	@Nullable AuthorizedUser authorizedUser(String refreshToken) {
		return this.users.get(refreshToken);
	}

	@Nullable KeyFileKey keyFileKey(String keyId) {
		return this.keyFileKeys.get(keyId);
	}

	void restrictImpersonation(ServiceAccount target, ServiceAccount... callers) {
		this.accounts.putIfAbsent(target.email(), target);
		Set<String> allowed = ConcurrentHashMap.newKeySet();
		for (ServiceAccount caller : callers) {
			allowed.add(caller.email());
		}
		this.impersonationRestrictions.put(target.email(), allowed);
	}

	boolean mayImpersonate(ServiceAccount caller, ServiceAccount target) {
		Set<String> allowed = this.impersonationRestrictions.get(target.email());
		return allowed == null || allowed.contains(caller.email());
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

	/**
	 * A user's login with an OAuth client, as in an {@code authorized_user} file.
	 */
	record AuthorizedUser(ServiceAccount user, String clientId, String clientSecret, String refreshToken) {
	}

	/**
	 * The private key of a key file, with the account it belongs to.
	 */
	record KeyFileKey(ServiceAccount account, RSAKey key) {
	}

}
