package dev.cloudrunauth.test.emulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What the emulator reports and how it mints: the project, fixed at start, and the
 * settings a test may change while it runs. The endpoints read them on every request.
 */
final class EmulatorSettings {

	private final String projectId;

	private final String projectNumber;

	private final String region;

	private final Clock clock;

	private final Instant startedAt;

	private volatile Duration tokenLifetime;

	private volatile Issuer issuer;

	private volatile Duration jwksMaxAge;

	private volatile boolean invokerIamDisabled;

	private volatile boolean cloudRunAdminPermissionDenied;

	EmulatorSettings(String projectId, String projectNumber, String region, Clock clock) {
		this.projectId = Objects.requireNonNull(projectId, "projectId cannot be null");
		this.projectNumber = Objects.requireNonNull(projectNumber, "projectNumber cannot be null");
		this.region = Objects.requireNonNull(region, "region cannot be null");
		this.clock = Objects.requireNonNull(clock, "clock cannot be null");
		this.startedAt = clock.instant();
		this.tokenLifetime = Duration.ofHours(1);
		this.issuer = Issuer.HTTPS;
		this.jwksMaxAge = Duration.ofSeconds(21600);
	}

	String projectId() {
		return this.projectId;
	}

	String projectNumber() {
		return this.projectNumber;
	}

	String region() {
		return this.region;
	}

	Clock clock() {
		return this.clock;
	}

	Instant now() {
		return this.clock.instant();
	}

	Instant startedAt() {
		return this.startedAt;
	}

	Duration tokenLifetime() {
		return this.tokenLifetime;
	}

	void tokenLifetime(Duration lifetime) {
		this.tokenLifetime = checkedLifetime(lifetime, "lifetime");
	}

	Issuer issuer() {
		return this.issuer;
	}

	void issuer(Issuer issuer) {
		this.issuer = Objects.requireNonNull(issuer, "issuer cannot be null");
	}

	Duration jwksMaxAge() {
		return this.jwksMaxAge;
	}

	void jwksMaxAge(Duration maxAge) {
		this.jwksMaxAge = Objects.requireNonNull(maxAge, "maxAge cannot be null");
	}

	boolean invokerIamDisabled() {
		return this.invokerIamDisabled;
	}

	void invokerIamDisabled(boolean disabled) {
		this.invokerIamDisabled = disabled;
	}

	boolean cloudRunAdminPermissionDenied() {
		return this.cloudRunAdminPermissionDenied;
	}

	void cloudRunAdminPermissionDenied(boolean denied) {
		this.cloudRunAdminPermissionDenied = denied;
	}

	static Duration checkedLifetime(Duration lifetime, String name) {
		if (lifetime.compareTo(Duration.ofSeconds(1)) < 0) {
			throw new IllegalArgumentException(name + " must be at least one second");
		}
		return lifetime;
	}

}
