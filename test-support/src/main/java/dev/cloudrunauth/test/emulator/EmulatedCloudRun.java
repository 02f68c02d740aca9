package dev.cloudrunauth.test.emulator;

/**
 * The Cloud Run Admin API as the emulator plays it, from
 * {@link GoogleIdentityEmulator#cloudRun()}: what it says of the services it describes
 * ({@code GET /v2/projects/P/locations/R/services/S}) and whether it lets the caller read
 * them. {@link GoogleIdentityEmulator#reset()} keeps these settings.
 */
public final class EmulatedCloudRun {

	private final EmulatorSettings settings;

	private final int port;

	EmulatedCloudRun(EmulatorSettings settings, int port) {
		this.settings = settings;
		this.port = port;
	}

	/**
	 * Return the base URL of the Cloud Run Admin API, {@code http://127.0.0.1:PORT}, as
	 * Google's run.googleapis.com.
	 * @return the URL
	 */
	public String apiUri() {
		return "http://127.0.0.1:" + this.port;
	}

	/**
	 * Change whether the services the API describes carry
	 * {@code "invokerIamDisabled": true} ({@code --no-invoker-iam-check}); by default the
	 * field is absent.
	 * @param disabled whether the invoker IAM check is off
	 */
	public void setInvokerIamDisabled(boolean disabled) {
		this.settings.invokerIamDisabled(disabled);
	}

	/**
	 * Change whether the API answers 403 {@code PERMISSION_DENIED}, as to a caller
	 * without {@code run.services.get}. Default {@code false}.
	 * @param denied whether {@code run.services.get} is denied
	 */
	public void setAdminPermissionDenied(boolean denied) {
		this.settings.cloudRunAdminPermissionDenied(denied);
	}

}
