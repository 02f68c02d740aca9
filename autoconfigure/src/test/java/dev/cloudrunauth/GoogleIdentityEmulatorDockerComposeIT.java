package dev.cloudrunauth;

import java.nio.file.Path;
import java.util.concurrent.ExecutionException;

import com.nimbusds.jwt.SignedJWT;
import dev.cloudrunauth.test.LoopbackServer;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.ServiceAccount;
import dev.cloudrunauth.test.testcontainers.GoogleIdentityEmulatorContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.client.RestClient;
import org.springframework.web.context.WebApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Spring Boot's Docker Compose support with the emulator's image named in a
 * {@code compose.yaml} ({@code src/test/resources/compose/google-identity.yaml}): Boot
 * starts the service, and {@link GoogleIdentityConnectionDetails} from it point the
 * receiving side's key set and the calling side's metadata server at it, with no property
 * naming either. The image is built from test-support's {@code Dockerfile} first (on
 * {@code BASE_IMAGE} if set), under the name the file uses.
 */
@ExtendWith({ DockerRequirement.class, DockerComposeRequirement.class })
@SpringBootTest(classes = GoogleIdentityEmulatorContainerIT.OrdersApplication.class,
		properties = { "spring.main.web-application-type=servlet", "spring.docker.compose.enabled=true",
				"spring.docker.compose.skip.in-tests=false",
				"spring.docker.compose.file=src/test/resources/compose/google-identity.yaml",
				"spring.docker.compose.lifecycle-management=start-and-stop", "spring.docker.compose.stop.command=down",
				"cloudrun.auth.receiving.audiences=" + GoogleIdentityEmulatorContainerIT.AUDIENCE,
				"cloudrun.auth.receiving.allowed-callers=" + GoogleIdentityEmulatorContainerIT.BILLING,
				"cloudrun.auth.calling.targets.orders.audience=" + GoogleIdentityEmulatorContainerIT.AUDIENCE })
class GoogleIdentityEmulatorDockerComposeIT {

	static final LoopbackServer target = LoopbackServer.start();

	@Autowired
	WebApplicationContext context;

	@Autowired
	RestClient.Builder restClient;

	MockMvc mvc;

	@BeforeAll
	static void buildImage() throws InterruptedException, ExecutionException {
		// tagged cloudrun-auth/google-identity-emulator, the name the compose file uses
		GoogleIdentityEmulatorContainer
			.image(Path.of("../test-support/Dockerfile"), GoogleIdentityEmulatorContainerIT.emulatorJar(),
					System.getenv("BASE_IMAGE"))
			.get();
	}

	@DynamicPropertySource
	static void target(DynamicPropertyRegistry registry) {
		registry.add("cloudrun.auth.calling.targets.orders.url", target::url);
	}

	@AfterAll
	static void stopTarget() {
		target.close();
	}

	@BeforeEach
	void mockMvc() {
		this.mvc = MockMvcBuilders.webAppContextSetup(this.context).apply(springSecurity()).build();
		target.clear();
	}

	@Test
	void theCallingSideMintsThroughTheServicesMetadataServerAndTheReceivingSideVerifiesWithItsKeys() throws Exception {
		this.restClient.build().get().uri(target.url() + "/orders").retrieve().toBodilessEntity();
		String token = target.onlyRequest().bearerToken("Authorization");
		assertThat(SignedJWT.parse(token).getJWTClaimsSet().getStringClaim("email"))
			.isEqualTo(GoogleIdentityEmulatorContainerIT.BILLING);
		assertThat(SignedJWT.parse(token).getJWTClaimsSet().getAudience())
			.containsExactly(GoogleIdentityEmulatorContainerIT.AUDIENCE);
		call(token).andExpect(status().isOk())
			.andExpect(content().string("orders for " + GoogleIdentityEmulatorContainerIT.BILLING));
	}

	@Test
	void aTokenSignedWithOtherKeysGets401() throws Exception {
		try (GoogleIdentityEmulator other = GoogleIdentityEmulator.start()) {
			String token = other.idToken(GoogleIdentityEmulatorContainerIT.AUDIENCE)
				.serviceAccount(ServiceAccount.of(GoogleIdentityEmulatorContainerIT.BILLING))
				.sign();
			call(token).andExpect(status().isUnauthorized());
		}
	}

	private ResultActions call(String token) throws Exception {
		return this.mvc.perform(get("/orders").header("Authorization", "Bearer " + token));
	}

}
