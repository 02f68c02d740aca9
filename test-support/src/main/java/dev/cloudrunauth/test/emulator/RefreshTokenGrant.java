package dev.cloudrunauth.test.emulator;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.cloudrunauth.test.LoopbackResponse;

/**
 * The token endpoint's {@code grant_type=refresh_token}, for the {@code authorized_user}
 * files of {@link EmulatedUsers}: the client's id and secret and the refresh token are
 * exchanged for an access token of the user and, as for a refresh token granted the
 * {@code openid} scope, the user's ID token, whose audience is the OAuth client.
 */
final class RefreshTokenGrant {

	private final EmulatorSettings settings;

	private final ServiceAccounts accounts;

	private final TokenMint tokens;

	RefreshTokenGrant(EmulatorSettings settings, ServiceAccounts accounts, TokenMint tokens) {
		this.settings = settings;
		this.accounts = accounts;
		this.tokens = tokens;
	}

	LoopbackResponse handle(Map<String, String> form) {
		String refreshToken = form.get("refresh_token");
		if (refreshToken == null || refreshToken.isEmpty()) {
			return Exchanges.oauthError(400, "invalid_request", "Missing required parameter: refresh_token");
		}
		ServiceAccounts.AuthorizedUser user = this.accounts.authorizedUser(refreshToken);
		if (user == null || !user.clientId().equals(form.get("client_id"))) {
			return Exchanges.oauthError(400, "invalid_grant", "Bad Request");
		}
		if (!user.clientSecret().equals(form.get("client_secret"))) {
			return Exchanges.oauthError(401, "invalid_client", "Unauthorized");
		}
		TokenMint.AccessToken token = this.tokens.issueAccessToken(user.user());
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("access_token", token.value());
		body.put("expires_in", this.settings.tokenLifetime().toSeconds());
		body.put("scope", "openid https://www.googleapis.com/auth/userinfo.email "
				+ "https://www.googleapis.com/auth/cloud-platform");
		body.put("token_type", "Bearer");
		body.put("id_token", this.tokens.mintUserIdToken(user.user(), user.clientId()));
		return Exchanges.json(200, body);
	}

}
