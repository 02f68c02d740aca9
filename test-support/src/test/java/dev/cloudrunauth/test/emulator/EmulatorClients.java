package dev.cloudrunauth.test.emulator;

import com.google.auth.oauth2.ComputeEngineCredentials;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * The real clients these tests point at an emulator: google-auth-library's
 * metadata-server credentials and Spring Security's JWT decoder.
 */
final class EmulatorClients {

	private EmulatorClients() {
	}

	static ComputeEngineCredentials computeEngineCredentials(GoogleIdentityEmulator emulator) {
		return ComputeEngineCredentials.newBuilder()
			.setHttpTransportFactory(new EmulatorHttpTransportFactory(emulator))
			.build();
	}

	static Jwt verify(GoogleIdentityEmulator emulator, String token) {
		return NimbusJwtDecoder.withJwkSetUri(emulator.jwkSetUri()).build().decode(token);
	}

}
