package dev.cloudrunauth.test.webflux;

import com.nimbusds.jwt.SignedJWT;
import dev.cloudrunauth.calling.IdTokenSource;
import dev.cloudrunauth.test.autoconfigure.AutoConfigureGoogleIdentity;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(classes = FluxOrdersApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
@AutoConfigureGoogleIdentity(serviceAccount = "billing@myproj.iam.gserviceaccount.com")
class AutoConfigureGoogleIdentityCallingTests {

	@Autowired
	IdTokenSource tokens;

	@Autowired
	GoogleIdentityEmulator emulator;

	@Test
	void callingSideMintsThroughTheEmulatorsMetadataServer() throws Exception {
		String token = this.tokens.token("https://orders-123456789012.us-central1.run.app");
		assertThat(SignedJWT.parse(token).getJWTClaimsSet().getStringClaim("email"))
			.isEqualTo("billing@myproj.iam.gserviceaccount.com");
		assertThat(this.emulator.idTokensMinted("https://orders-123456789012.us-central1.run.app")).isEqualTo(1);
	}

}
