package dev.cloudrunauth.actuate;

import java.time.Instant;

import dev.cloudrunauth.receiving.SigningKeyCache;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Health of the receiving side: whether Google's signing keys are loaded and when they were last fetched. Up once
 * keys are loaded (even while a refetch fails: the known keys keep working), unknown while the first fetch is under
 * way, down if it failed. Only reads what is cached: a health check never fetches keys.
 */
public class CloudRunReceivingHealthIndicator extends AbstractHealthIndicator {

	private final SigningKeyCache keys;

	/**
	 * Create an indicator.
	 * @param keys the signing keys
	 */
	public CloudRunReceivingHealthIndicator(SigningKeyCache keys) {
		super("Cloud Run receiving health check failed");
		this.keys = keys;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		String error = this.keys.lastError();
		Status status = this.keys.keysLoaded() ? Status.UP : (error != null) ? Status.DOWN : Status.UNKNOWN;
		builder.status(status).withDetail("jwkSetUri", this.keys.jwkSetUri().toString());
		builder.withDetail("keys", this.keys.keyCount());
		Instant lastFetched = this.keys.lastFetched();
		if (lastFetched != null) {
			builder.withDetail("lastFetched", lastFetched.toString());
		}
		if (error != null) {
			builder.withDetail("lastError", error);
		}
	}

}
