package dev.cloudrunauth;

import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionDetailsFactory;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionSource;
import org.springframework.util.StringUtils;

/**
 * {@link GoogleIdentityConnectionDetails} for Spring Boot's Docker Compose support: a
 * service of the emulator's image ({@code cloudrun-auth/google-identity-emulator}, built
 * from test-support's {@code Dockerfile}) in the application's {@code compose.yaml}.
 * <p>
 * The emulator listens on 127.0.0.1 only, so the service runs with
 * {@code network_mode: host} and publishes no ports for Boot to read: its base port is
 * the label {@value #PORT_LABEL}, 8090 (the image's default) without one, and its other
 * endpoints follow from it as the image documents.
 */
class GoogleIdentityEmulatorDockerComposeConnectionDetailsFactory
		extends DockerComposeConnectionDetailsFactory<GoogleIdentityConnectionDetails> {

	static final String IMAGE = "cloudrun-auth/google-identity-emulator";

	static final String PORT_LABEL = "dev.cloudrunauth.emulator.port";

	private static final int DEFAULT_PORT = 8090;

	/** The JWKS endpoint's offset from the base port, the metadata server's. */
	private static final int JWKS_OFFSET = 3;

	GoogleIdentityEmulatorDockerComposeConnectionDetailsFactory() {
		super(IMAGE);
	}

	@Override
	protected GoogleIdentityConnectionDetails getDockerComposeConnectionDetails(DockerComposeConnectionSource source) {
		return new EmulatorServiceConnectionDetails(source.getRunningService());
	}

	static final class EmulatorServiceConnectionDetails extends DockerComposeConnectionDetails
			implements GoogleIdentityConnectionDetails {

		private final String host;

		private final int port;

		EmulatorServiceConnectionDetails(RunningService service) {
			super(service);
			this.host = service.host();
			this.port = port(service);
		}

		private static int port(RunningService service) {
			String label = service.labels().get(PORT_LABEL);
			if (!StringUtils.hasText(label)) {
				return DEFAULT_PORT;
			}
			try {
				int port = Integer.parseInt(label.trim());
				if (port > 0 && port <= 65535 - JWKS_OFFSET - 1) {
					return port;
				}
			}
			catch (NumberFormatException ex) {
				// reported below
			}
			throw new IllegalStateException("Label " + PORT_LABEL + " of Docker Compose service '" + service.name()
					+ "' must be the emulator's base port (its --port), such as 8090, not '" + label + "'");
		}

		@Override
		public String jwkSetUri() {
			return "http://" + this.host + ":" + (this.port + JWKS_OFFSET) + "/oauth2/v3/certs";
		}

		@Override
		public String metadataServerHost() {
			return this.host + ":" + this.port;
		}

	}

}
