package dev.cloudrunauth.test.emulator;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Settings of a {@link GoogleIdentityEmulator} before it starts, from
 * {@link GoogleIdentityEmulator#builder()}.
 */
public final class GoogleIdentityEmulatorBuilder {

	private int port;

	private String projectId = "emulator-project";

	private String projectNumber = "123456789012";

	private String region = "us-central1";

	private @Nullable String serviceAccountEmail;

	private Duration tokenLifetime = Duration.ofHours(1);

	private Issuer issuer = Issuer.HTTPS;

	private Duration jwksMaxAge = Duration.ofSeconds(21600);

	private Clock clock = Clock.systemUTC();

	GoogleIdentityEmulatorBuilder() {
	}

	/**
	 * Listen on fixed ports: the metadata server on {@code port}, the OAuth token
	 * endpoint on {@code port + 1}, IAM Credentials on {@code port + 2}, the JWKS on
	 * {@code port + 3} and the Cloud Run Admin API on {@code port + 4}. The default, 0,
	 * picks free ports.
	 * @param port the metadata server's port, or 0
	 * @return this builder
	 */
	public GoogleIdentityEmulatorBuilder port(int port) {
		if (port < 0 || port > 65531) {
			throw new IllegalArgumentException("port must be between 0 and 65531, got " + port);
		}
		this.port = port;
		return this;
	}

	/**
	 * Set the project id (default {@code emulator-project}).
	 * @param projectId the project id
	 * @return this builder
	 */
	public GoogleIdentityEmulatorBuilder projectId(String projectId) {
		this.projectId = Objects.requireNonNull(projectId, "projectId cannot be null");
		return this;
	}

	/**
	 * Set the project number (default {@code 123456789012}).
	 * @param projectNumber the project number
	 * @return this builder
	 */
	public GoogleIdentityEmulatorBuilder projectNumber(String projectNumber) {
		this.projectNumber = Objects.requireNonNull(projectNumber, "projectNumber cannot be null");
		return this;
	}

	/**
	 * Set the region (default {@code us-central1}).
	 * @param region the region
	 * @return this builder
	 */
	public GoogleIdentityEmulatorBuilder region(String region) {
		this.region = Objects.requireNonNull(region, "region cannot be null");
		return this;
	}

	/**
	 * Set the metadata server's service account (default: the project's default compute
	 * service account).
	 * @param email the service account email
	 * @return this builder
	 */
	public GoogleIdentityEmulatorBuilder serviceAccount(String email) {
		this.serviceAccountEmail = Objects.requireNonNull(email, "email cannot be null");
		return this;
	}

	/**
	 * Set the lifetime of minted tokens (default one hour).
	 * @param tokenLifetime at least one second
	 * @return this builder
	 */
	public GoogleIdentityEmulatorBuilder tokenLifetime(Duration tokenLifetime) {
		this.tokenLifetime = EmulatorSettings.checkedLifetime(tokenLifetime, "tokenLifetime");
		return this;
	}

	/**
	 * Set the issuer form of minted tokens (default {@link Issuer#HTTPS}).
	 * @param issuer the issuer form
	 * @return this builder
	 */
	public GoogleIdentityEmulatorBuilder issuer(Issuer issuer) {
		this.issuer = Objects.requireNonNull(issuer, "issuer cannot be null");
		return this;
	}

	/**
	 * Set the {@code Cache-Control: max-age} of JWKS responses (default six hours, as
	 * Google's).
	 * @param jwksMaxAge the max age
	 * @return this builder
	 */
	public GoogleIdentityEmulatorBuilder jwksMaxAge(Duration jwksMaxAge) {
		this.jwksMaxAge = Objects.requireNonNull(jwksMaxAge, "jwksMaxAge cannot be null");
		return this;
	}

	/**
	 * Set the clock that stamps {@code iat} and {@code exp} (default the system clock).
	 * @param clock the clock
	 * @return this builder
	 */
	public GoogleIdentityEmulatorBuilder clock(Clock clock) {
		this.clock = Objects.requireNonNull(clock, "clock cannot be null");
		return this;
	}

	/**
	 * Start the emulator.
	 * @return the running emulator
	 * @throws java.io.UncheckedIOException if an endpoint cannot listen
	 */
	public GoogleIdentityEmulator start() {
		EmulatorSettings settings = new EmulatorSettings(this.projectId, this.projectNumber, this.region, this.clock);
		settings.tokenLifetime(this.tokenLifetime);
		settings.issuer(this.issuer);
		settings.jwksMaxAge(this.jwksMaxAge);
		String email = (this.serviceAccountEmail != null) ? this.serviceAccountEmail
				: this.projectNumber + "-compute@developer.gserviceaccount.com";
		return new GoogleIdentityEmulator(settings, email, this.port);
	}

}
