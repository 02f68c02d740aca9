package dev.cloudrunauth.receiving;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration properties of the receiving side: which tokens are accepted, and from
 * which callers. Bound once, through the constructor.
 *
 * @param enabled Whether every request must carry a Google-signed ID token (except to
 * public paths).
 * @param audiences Accepted audiences ("aud"): this service's URL, custom audiences, push
 * endpoints. On Cloud Run, defaults to the service URL derived from K_SERVICE and the
 * metadata server.
 * @param allowedCallers Callers allowed to call: service account emails, or
 * *@PROJECT.iam.gserviceaccount.com for every service account of a project (*@DOMAIN for
 * any domain). Required when verifying signatures (any service account of any project can
 * mint a token for this service's audience); may be empty in trust mode, where Cloud
 * Run's roles/run.invoker decides.
 * @param allowAnyCaller Whether every Google identity with a token for one of the
 * audiences may call, from any project, when no allowed-callers are listed.
 * @param jwkSetUri JWK Set URI of Google's signing keys.
 * @param jwkSetRefetchInterval Minimum time between two fetches of the JWK Set caused by
 * tokens with an unknown key id; at least 1s.
 * @param jwkSetTimeout Longest a fetch of the JWK Set may take, and so the longest a
 * request with a key id not known yet waits.
 * @param issuers Accepted issuers ("iss").
 * @param clockSkew Clock skew allowed when checking "exp", "iat" and "nbf".
 * @param maxTokenLifetime Longest lifetime (exp - iat) of an accepted token, before the
 * clock skew. Google issues ID tokens for one hour.
 * @param publicPaths Path patterns that need no token, such as health checks (Cloud Run's
 * probes carry none).
 * @param trustCloudRunIam Whether to accept tokens whose signature Cloud Run's IAM
 * invoker check replaced with SIGNATURE_REMOVED_BY_GOOGLE, without verifying a signature.
 * Only for services behind that check; refused outside Cloud Run.
 * @param checkInvokerIam Whether trust mode reads this service from the Cloud Run Admin
 * API, in the background and then periodically, to refuse tokens with removed signatures
 * if the service skips the invoker IAM check (invokerIamDisabled). Needs run.services.get
 * on the service (roles/run.viewer).
 * @param checkInvokerIamInterval How often trust mode reads the invoker IAM setting
 * again; at least 10s.
 * @param cloudRunApiUri Base URL of the Cloud Run Admin API.
 * @param trustCloudRunIamOutsideCloudRun Whether to allow trust-cloud-run-iam where
 * K_SERVICE is not set. For tests only: outside Cloud Run anyone can send a token with
 * its signature removed.
 * @param methodSecurity Whether to enable method security, for @PreAuthorize
 * and @AllowCallers. When not set, it is enabled if a bean uses a method-security
 * annotation. Whichever way, startup fails if a bean uses an annotation that no method
 * security enforces.
 * @param paths Rules for paths called with tokens for other audiences or by other
 * callers, such as Pub/Sub push endpoints; the first rule whose pattern matches decides.
 * @param verifiedTokens Remembering verified tokens, so that a token presented again is
 * not verified again until it expires.
 * @param iap IAP mode: requests that Identity-Aware Proxy signed with
 * x-goog-iap-jwt-assertion are authenticated as the end user.
 */
@ConfigurationProperties("cloudrun.auth.receiving")
public record CloudRunReceivingProperties(@DefaultValue("true") boolean enabled, @DefaultValue List<String> audiences,
		@DefaultValue List<String> allowedCallers, boolean allowAnyCaller,
		@DefaultValue("https://www.googleapis.com/oauth2/v3/certs") String jwkSetUri,
		@DefaultValue("30s") Duration jwkSetRefetchInterval, @DefaultValue("5s") Duration jwkSetTimeout,
		@DefaultValue( {
				"https://accounts.google.com", "accounts.google.com" }) List<String> issuers,
		@DefaultValue("30s") Duration clockSkew, @DefaultValue("1h") Duration maxTokenLifetime,
		@DefaultValue("/actuator/health/**") List<String> publicPaths, boolean trustCloudRunIam,
		@DefaultValue("true") boolean checkInvokerIam, @DefaultValue("1m") Duration checkInvokerIamInterval,
		@DefaultValue("https://run.googleapis.com") String cloudRunApiUri, boolean trustCloudRunIamOutsideCloudRun,
		@Nullable Boolean methodSecurity, @DefaultValue Map<String, Path> paths,
		@DefaultValue VerifiedTokens verifiedTokens, @DefaultValue Iap iap){

	/**
	 * Properties of one rule of {@code cloudrun.auth.receiving.paths}: requests whose
	 * path matches its pattern are checked against its audiences and callers instead of
	 * the service's.
	 *
	 * @param pattern Spring path pattern of the requests the rule applies to, within the
	 * application (without the context path), such as /events/pubsub.
	 * @param audiences Accepted audiences on these paths. An entry starting with '/' is
	 * resolved against each http(s) URL among the service's audiences. Left out, the
	 * service's audiences; set, never empty.
	 * @param allowedCallers Callers allowed on these paths, as in allowed-callers. Left
	 * out, the service's callers; set, never empty.
	 */
	public record Path(@Nullable String pattern, @Nullable List<String> audiences,
			@Nullable List<String> allowedCallers) {

	}

	/**
	 * Remembering verified tokens.
	 *
	 * @param enabled Whether to remember verified tokens. Application validators
	 * (OAuth2TokenValidator beans) then run once per token rather than once per request.
	 * @param maxSize Most tokens remembered; about 2.5 KB each.
	 */
	public record VerifiedTokens(@DefaultValue("true") boolean enabled, @DefaultValue("1000") int maxSize) {

	}

	/**
	 * IAP mode.
	 *
	 * @param enabled Whether requests with IAP's signed header (x-goog-iap-jwt-assertion)
	 * are authenticated as the end user IAP signed in; an invalid assertion is refused
	 * even beside a valid service token.
	 * @param audiences Accepted audiences ("aud") of IAP's assertions:
	 * /projects/NUMBER/locations/REGION/services/SERVICE (IAP on Cloud Run),
	 * /projects/NUMBER/global/backendServices/ID (load balancer) or
	 * /projects/NUMBER/apps/PROJECT_ID. On Cloud Run, defaults to the first, derived from
	 * K_SERVICE and the metadata server.
	 * @param jwkSetUri JWK Set URI of IAP's signing keys (ES256).
	 * @param allowedUsers IAP users allowed to call: emails, or *@DOMAIN for the members
	 * of a Google Workspace organization (its "hd" claim). Required unless allow-any-user
	 * is set.
	 * @param allowAnyUser Whether every user IAP signed in may call, as IAP's access
	 * policy (roles/iap.httpsResourceAccessor) decides, when no allowed-users are listed.
	 */
	public record Iap(boolean enabled, @DefaultValue List<String> audiences,
			@DefaultValue("https://www.gstatic.com/iap/verify/public_key-jwk") String jwkSetUri,
			@DefaultValue List<String> allowedUsers, boolean allowAnyUser) {

	}

}
