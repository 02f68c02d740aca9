package dev.cloudrunauth.receiving;

import java.time.Instant;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Health of the receiving side: whether Google's signing keys (and, in IAP mode, IAP's)
 * are loaded and when they were last fetched, and, in trust mode on Cloud Run, what is
 * known of the service's invoker IAM check. Up once keys are loaded (even while a refetch
 * fails: the known keys keep working), unknown while the first fetch is under way, down
 * if it failed, and down while the invoker IAM check is found off (tokens whose signature
 * was removed are then refused). Only reads what is cached: a health check never fetches
 * anything.
 */
class CloudRunReceivingHealthIndicator extends AbstractHealthIndicator {

	private final SigningKeyCache keys;

	private final @Nullable InvokerIamCheck invokerIam;

	private final @Nullable SigningKeyCache iapKeys;

	/**
	 * Create an indicator.
	 * @param keys the signing keys
	 * @param invokerIam the check of the invoker IAM setting, if trust mode runs one
	 */
	public CloudRunReceivingHealthIndicator(SigningKeyCache keys, @Nullable InvokerIamCheck invokerIam) {
		this(keys, invokerIam, null);
	}

	/**
	 * Create an indicator that also reports IAP's keys, which must be loaded as Google's.
	 * @param keys the signing keys
	 * @param invokerIam the check of the invoker IAM setting, if trust mode runs one
	 * @param iapKeys IAP's signing keys, in IAP mode
	 */
	CloudRunReceivingHealthIndicator(SigningKeyCache keys, @Nullable InvokerIamCheck invokerIam,
			@Nullable SigningKeyCache iapKeys) {
		super("Cloud Run receiving health check failed");
		this.keys = keys;
		this.invokerIam = invokerIam;
		this.iapKeys = iapKeys;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		String error = this.keys.lastError();
		Status status = this.keys.keysLoaded() ? Status.UP : (error != null) ? Status.DOWN : Status.UNKNOWN;
		if (this.invokerIam != null) {
			InvokerIamCheck.State state = this.invokerIam.state();
			builder.withDetail("invokerIamCheck", state.name().toLowerCase(Locale.ROOT));
			if (state == InvokerIamCheck.State.OFF) {
				status = Status.DOWN;
			}
			String problem = this.invokerIam.problem();
			if (problem != null) {
				builder.withDetail("invokerIamProblem", problem);
			}
		}
		builder.status(status).withDetail("jwkSetUri", this.keys.jwkSetUri().toString());
		builder.withDetail("keys", this.keys.keyCount());
		Instant lastFetched = this.keys.statistics().lastFetched();
		if (lastFetched != null) {
			builder.withDetail("lastFetched", lastFetched.toString());
		}
		if (error != null) {
			builder.withDetail("lastError", error);
		}
		if (this.iapKeys != null) {
			String iapError = this.iapKeys.lastError();
			builder.withDetail("iapJwkSetUri", this.iapKeys.jwkSetUri().toString())
				.withDetail("iapKeys", this.iapKeys.keyCount());
			if (iapError != null) {
				builder.withDetail("iapLastError", iapError);
			}
			if (!this.iapKeys.keysLoaded() && status == Status.UP) {
				builder.status((iapError != null) ? Status.DOWN : Status.UNKNOWN);
			}
		}
	}

}
