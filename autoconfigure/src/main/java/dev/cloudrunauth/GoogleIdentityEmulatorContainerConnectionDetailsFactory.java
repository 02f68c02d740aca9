package dev.cloudrunauth;

import dev.cloudrunauth.test.testcontainers.GoogleIdentityEmulatorContainer;

import org.springframework.boot.testcontainers.service.connection.ContainerConnectionDetailsFactory;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;

/**
 * {@link GoogleIdentityConnectionDetails} for {@code @ServiceConnection} on a
 * {@link GoogleIdentityEmulatorContainer}.
 */
class GoogleIdentityEmulatorContainerConnectionDetailsFactory
		extends ContainerConnectionDetailsFactory<GoogleIdentityEmulatorContainer, GoogleIdentityConnectionDetails> {

	GoogleIdentityEmulatorContainerConnectionDetailsFactory() {
		super(ANY_CONNECTION_NAME, "dev.cloudrunauth.test.testcontainers.GoogleIdentityEmulatorContainer");
	}

	@Override
	protected GoogleIdentityConnectionDetails getContainerConnectionDetails(
			ContainerConnectionSource<GoogleIdentityEmulatorContainer> source) {
		return new EmulatorContainerConnectionDetails(source);
	}

	static final class EmulatorContainerConnectionDetails extends
			ContainerConnectionDetails<GoogleIdentityEmulatorContainer> implements GoogleIdentityConnectionDetails {

		EmulatorContainerConnectionDetails(ContainerConnectionSource<GoogleIdentityEmulatorContainer> source) {
			super(source);
		}

		@Override
		public String jwkSetUri() {
			return getContainer().jwkSetUri();
		}

		@Override
		public String metadataServerHost() {
			return getContainer().metadataHost();
		}

	}

}
