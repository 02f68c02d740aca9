package dev.cloudrunauth.calling;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.cloudrunauth.calling.CallingTarget;
import dev.cloudrunauth.calling.CallingTargets;
import dev.cloudrunauth.calling.GoogleIdTokenSource;
import dev.cloudrunauth.calling.IdTokenStatus;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the calling side: for each target, the identity its tokens are minted as,
 * whether a valid token is held, when it expires and the last mint error. Down when a
 * target has no valid token and its last mint failed. Only reads what is cached: a health
 * check never mints a token.
 */
class CloudRunCallingHealthIndicator extends AbstractHealthIndicator {

	private final GoogleIdTokenSource source;

	private final CallingTargets targets;

	/**
	 * Create an indicator.
	 * @param source the token source
	 * @param targets the targets
	 */
	public CloudRunCallingHealthIndicator(GoogleIdTokenSource source, CallingTargets targets) {
		super("Cloud Run calling health check failed");
		this.source = source;
		this.targets = targets;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		boolean down = false;
		Map<String, Object> targets = new LinkedHashMap<>();
		for (CallingTarget target : this.targets.asList()) {
			IdTokenStatus status = this.source.caches().forTarget(target).status(target.getAudience());
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("url", target.getUrl().toString());
			details.put("audience", target.getAudience());
			details.put("identity", this.source.caches().identity(target));
			details.put("token", status.valid() ? "valid" : (status.expiresAt() != null) ? "expired" : "none");
			if (status.expiresAt() != null) {
				details.put("expiresAt", status.expiresAt().toString());
			}
			if (status.lastFailure() != null) {
				details.put("lastError", status.lastFailure());
				details.put("lastErrorAt", String.valueOf(status.lastFailureAt()));
				down |= !status.valid();
			}
			targets.put(target.getName(), details);
		}
		builder
			.status(down ? org.springframework.boot.health.contributor.Status.DOWN
					: org.springframework.boot.health.contributor.Status.UP)
			.withDetail("credentials", this.source.credentials())
			.withDetail("targets", targets);
	}

}
