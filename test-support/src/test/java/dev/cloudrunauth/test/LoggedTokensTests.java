package dev.cloudrunauth.test;

import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LoggedTokensTests {

	@Test
	void findsTokensAndTheirSegmentsButNotOrdinaryLogLines() {
		try (GoogleIdentityEmulator emulator = GoogleIdentityEmulator.start()) {
			String token = emulator.idToken("https://a.example").sign();
			String[] segments = token.split("\\.");
			assertThat(LoggedTokens.find("sent Bearer " + token)).as("header and payload").hasSize(2);
			assertThat(LoggedTokens.find("claims: " + segments[1])).hasSize(1);
			assertThat(
					LoggedTokens.find("stripped " + segments[0] + "." + segments[1] + ".SIGNATURE_REMOVED_BY_GOOGLE"))
				.hasSize(2);
			assertThat(LoggedTokens.find("access ya29.emulator.abcdefghij")).hasSize(1);
			assertThat(LoggedTokens.find("Minted ID token for audience 'https://a.example', valid until 2026-11-23"))
				.isEmpty();
			assertThat(LoggedTokens.find(token).get(0)).hasSize(27).doesNotContain(segments[1]);
		}
	}

}
