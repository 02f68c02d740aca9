package dev.cloudrunauth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import com.nimbusds.jwt.SignedJWT;
import dev.cloudrunauth.receiving.AllowCallers;
import dev.cloudrunauth.test.LoopbackServer;
import dev.cloudrunauth.test.testcontainers.GoogleIdentityEmulatorContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.security.core.Authentication;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import org.springframework.web.context.WebApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * {@code @Container @ServiceConnection} on the emulator's image, built from
 * test-support's {@code Dockerfile} (on {@code BASE_IMAGE} if set), in an application
 * that both receives and calls: its key set and its metadata server are the container's,
 * with no property naming either.
 */
@ExtendWith(DockerRequirement.class)
@Testcontainers
@SpringBootTest(classes = GoogleIdentityEmulatorContainerIT.OrdersApplication.class,
		properties = { "spring.main.web-application-type=servlet",
				"cloudrun.auth.receiving.audiences=" + GoogleIdentityEmulatorContainerIT.AUDIENCE,
				"cloudrun.auth.receiving.allowed-callers=" + GoogleIdentityEmulatorContainerIT.BILLING + ","
						+ GoogleIdentityEmulatorContainerIT.ADMIN,
				"cloudrun.auth.calling.targets.orders.audience=" + GoogleIdentityEmulatorContainerIT.AUDIENCE })
class GoogleIdentityEmulatorContainerIT {

	static final String AUDIENCE = "https://orders-123456789012.us-central1.run.app";

	static final String BILLING = "billing@myproj.iam.gserviceaccount.com";

	static final String ADMIN = "admin@myproj.iam.gserviceaccount.com";

	static final String STRANGER = "stranger@evil-project.iam.gserviceaccount.com";

	@Container
	@ServiceConnection
	static final GoogleIdentityEmulatorContainer google = new GoogleIdentityEmulatorContainer(
			GoogleIdentityEmulatorContainer.image(Path.of("../test-support/Dockerfile"), emulatorJar(),
					System.getenv("BASE_IMAGE")))
		.withServiceAccount(BILLING)
		.withOtherServiceAccounts(ADMIN, STRANGER);

	static final LoopbackServer target = LoopbackServer.start();

	@Autowired
	WebApplicationContext context;

	@Autowired
	RestClient.Builder restClient;

	MockMvc mvc;

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
	void aTokenOfAnAllowedCallerFromTheContainerGets200() throws Exception {
		call("/orders", google.idToken(AUDIENCE)).andExpect(status().isOk())
			.andExpect(content().string("orders for " + BILLING));
		call("/orders", google.idToken(ADMIN, AUDIENCE)).andExpect(status().isOk())
			.andExpect(content().string("orders for " + ADMIN));
	}

	@Test
	void aCallerOutsideTheAllowedCallersGets403() throws Exception {
		call("/orders", google.idToken(STRANGER, AUDIENCE)).andExpect(status().isForbidden());
	}

	@Test
	void allowCallersOnAControllerStillDecides() throws Exception {
		call("/admin/reports", google.idToken(ADMIN, AUDIENCE)).andExpect(status().isOk());
		call("/admin/reports", google.idToken(AUDIENCE)).andExpect(status().isForbidden());
	}

	@Test
	void aTokenForAnotherAudienceGets401() throws Exception {
		call("/orders", google.idToken("https://other-123456789012.us-central1.run.app"))
			.andExpect(status().isUnauthorized());
	}

	@Test
	void theCallingSideMintsThroughTheContainersMetadataServer() throws Exception {
		this.restClient.build().get().uri(target.url() + "/orders").retrieve().toBodilessEntity();
		String token = target.onlyRequest().bearerToken("Authorization");
		assertThat(SignedJWT.parse(token).getJWTClaimsSet().getStringClaim("email")).isEqualTo(BILLING);
		assertThat(SignedJWT.parse(token).getJWTClaimsSet().getAudience()).containsExactly(AUDIENCE);
		call("/orders", token).andExpect(status().isOk()).andExpect(content().string("orders for " + BILLING));
	}

	private ResultActions call(String path, String token) throws Exception {
		return this.mvc.perform(get(path).header("Authorization", "Bearer " + token));
	}

	static Path emulatorJar() {
		Path target = Path.of("../test-support/target");
		try (Stream<Path> files = Files.list(target)) {
			return files.filter((file) -> file.getFileName().toString().endsWith("-emulator.jar"))
				.findFirst()
				.orElseThrow(() -> new IllegalStateException("No emulator jar in " + target.toAbsolutePath()
						+ ": build with ./mvnw -pl autoconfigure -am verify"));
		}
		catch (IOException ex) {
			throw new IllegalStateException("No emulator jar in " + target.toAbsolutePath()
					+ ": build with ./mvnw -pl autoconfigure -am verify", ex);
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class OrdersApplication {

		@RestController
		static class OrdersController {

			@GetMapping("/orders")
			String orders(Authentication caller) {
				return "orders for " + caller.getName();
			}

		}

		@RestController
		@AllowCallers(ADMIN)
		static class AdminController {

			@GetMapping("/admin/reports")
			String reports(Authentication caller) {
				return "reports for " + caller.getName();
			}

		}

	}

}
