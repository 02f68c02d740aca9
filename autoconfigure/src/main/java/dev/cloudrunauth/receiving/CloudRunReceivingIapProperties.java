package dev.cloudrunauth.receiving;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of IAP mode: requests that Identity-Aware Proxy signed with
 * {@code x-goog-iap-jwt-assertion} are authenticated as the end user.
 */
@ConfigurationProperties("cloudrun.auth.receiving.iap")
public class CloudRunReceivingIapProperties {

	/**
	 * Whether requests with IAP's signed header (x-goog-iap-jwt-assertion) are
	 * authenticated as the end user IAP signed in; an invalid assertion is refused even
	 * beside a valid service token.
	 */
	private boolean enabled = false;

	/**
	 * Accepted audiences ("aud") of IAP's assertions:
	 * /projects/NUMBER/locations/REGION/services/SERVICE (IAP on Cloud Run),
	 * /projects/NUMBER/global/backendServices/ID (load balancer) or
	 * /projects/NUMBER/apps/PROJECT_ID. On Cloud Run, defaults to the first, derived from
	 * K_SERVICE and the metadata server.
	 */
	private List<String> audiences = new ArrayList<>();

	/**
	 * JWK Set URI of IAP's signing keys (ES256).
	 */
	private String jwkSetUri = "https://www.gstatic.com/iap/verify/public_key-jwk";

	/**
	 * IAP users allowed to call: emails, or *@DOMAIN for the members of a Google
	 * Workspace organization (its "hd" claim). Required unless allow-any-user is set.
	 */
	private List<String> allowedUsers = new ArrayList<>();

	/**
	 * Whether every user IAP signed in may call, as IAP's access policy
	 * (roles/iap.httpsResourceAccessor) decides, when no allowed-users are listed.
	 */
	private boolean allowAnyUser = false;

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

	public String getJwkSetUri() {
		return this.jwkSetUri;
	}

	public void setJwkSetUri(String jwkSetUri) {
		this.jwkSetUri = jwkSetUri;
	}

	public List<String> getAllowedUsers() {
		return this.allowedUsers;
	}

	public void setAllowedUsers(List<String> allowedUsers) {
		this.allowedUsers = allowedUsers;
	}

	public boolean isAllowAnyUser() {
		return this.allowAnyUser;
	}

	public void setAllowAnyUser(boolean allowAnyUser) {
		this.allowAnyUser = allowAnyUser;
	}

}
