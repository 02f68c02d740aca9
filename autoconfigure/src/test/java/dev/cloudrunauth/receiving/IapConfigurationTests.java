package dev.cloudrunauth.receiving;

import dev.cloudrunauth.ProcessEnvironments;
import dev.cloudrunauth.test.emulator.EmulatorEndpoint;
import dev.cloudrunauth.test.emulator.Fault;
import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static dev.cloudrunauth.StartupFailures.assertInvalidProperty;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * IAP mode's configuration: off by default, and every setting that cannot work, or that
 * would admit IAP users nobody named, fails startup naming its property.
 */
class IapConfigurationTests {

	static final String AUDIENCE = "https://receiving-123456789012.us-central1.run.app";

	static final String IAP_AUDIENCE = "/projects/123456789012/locations/us-central1/services/receiving";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();

	@Test
	void iapModeIsOffByDefault() {
		servlet().withPropertyValues("cloudrun.auth.receiving.iap.audiences=not-checked-while-off")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(IapAssertions.class)
				.doesNotHaveBean(IapSettings.class));
	}

	@Test
	void iapModeWithoutAnAudienceOffCloudRunFailsNamingTheAudiences() {
		iap().run((context) -> assertInvalidProperty(context, "cloudrun.auth.receiving.iap.audiences")
			.hasMessageContaining("K_SERVICE"));
		reactiveIap().run((context) -> assertInvalidProperty(context, "cloudrun.auth.receiving.iap.audiences"));
	}

	@Test
	void iapModeOnCloudRunWhoseMetadataServerFailsFailsNamingTheAudiences() {
		google.emulator().inject(EmulatorEndpoint.METADATA, Fault.httpStatus(500));
		iap()
			.withInitializer(ProcessEnvironments.with("K_SERVICE", "receiving", "GCE_METADATA_HOST",
					google.emulator().metadataHost()))
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.receiving.iap.audiences")
				.hasMessageContaining("metadata server"));
	}

	@Test
	void anAudienceThatIsNoIapAudienceFailsStartup() {
		iap().withPropertyValues("cloudrun.auth.receiving.iap.audiences=" + AUDIENCE)
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.receiving.iap.audiences")
				.hasMessageContaining("/projects/NUMBER/locations/REGION/services/SERVICE"));
		iap().withPropertyValues("cloudrun.auth.receiving.iap.audiences=/projects/my-project/apps/my-project")
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.receiving.iap.audiences"));
	}

	@Test
	void eachFormOfIapAudienceIsAccepted() {
		iap()
			.withPropertyValues("cloudrun.auth.receiving.iap.audiences=" + IAP_AUDIENCE
					+ ",/projects/123456789012/global/backendServices/4242,/projects/123456789012/apps/my-project",
					"cloudrun.auth.receiving.iap.allow-any-user=true")
			.run((context) -> assertThat(context.getBean(IapSettings.class).audiences()).hasSize(3));
	}

	@Test
	void noAllowedUsersFailsStartupNamingThem() {
		iap().withPropertyValues("cloudrun.auth.receiving.iap.audiences=" + IAP_AUDIENCE)
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.receiving.iap.allowed-users")
				.hasMessageContaining("allow-any-user"));
	}

	@Test
	void allowAnyUserBesideAllowedUsersFailsStartup() {
		iap()
			.withPropertyValues("cloudrun.auth.receiving.iap.audiences=" + IAP_AUDIENCE,
					"cloudrun.auth.receiving.iap.allowed-users=alice@example.com",
					"cloudrun.auth.receiving.iap.allow-any-user=true")
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.receiving.iap.allow-any-user"));
	}

	@Test
	void anAllowedUserThatIsNoEmailFailsStartup() {
		iap()
			.withPropertyValues("cloudrun.auth.receiving.iap.audiences=" + IAP_AUDIENCE,
					"cloudrun.auth.receiving.iap.allowed-users=alice")
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.receiving.iap.allowed-users"));
	}

	@Test
	void aJwkSetUriThatIsNoHttpUrlFailsStartup() {
		iap().withPropertyValues("cloudrun.auth.receiving.iap.audiences=" + IAP_AUDIENCE,
				"cloudrun.auth.receiving.iap.allow-any-user=true", "cloudrun.auth.receiving.iap.jwk-set-uri=file:/keys")
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.receiving.iap.jwk-set-uri"));
	}

	@Test
	void healthReportsIapsKeysAndIsDownWhileTheyCannotBeLoaded() {
		String iapKeys = google.emulator().iap().jwkSetUri();
		healthy().run((context) -> {
			CloudRunReceivingHealthIndicator indicator = context.getBean(CloudRunReceivingHealthIndicator.class);
			await().until(() -> indicator.health(true).getStatus() == Status.UP);
			assertThat(indicator.health(true).getDetails()).containsEntry("iapKeys", 1)
				.containsEntry("iapJwkSetUri", iapKeys);
		});
		healthy().withPropertyValues("cloudrun.auth.receiving.iap.jwk-set-uri=" + iapKeys + "-missing")
			.run((context) -> {
				CloudRunReceivingHealthIndicator indicator = context.getBean(CloudRunReceivingHealthIndicator.class);
				await().until(() -> indicator.health(true).getStatus() == Status.DOWN);
				assertThat(indicator.health(true).getDetails()).containsEntry("iapKeys", 0)
					.containsEntry("keys", 1)
					.containsKey("iapLastError");
			});
	}

	private static WebApplicationContextRunner healthy() {
		return iap().withConfiguration(AutoConfigurations.of(CloudRunReceivingHealthAutoConfiguration.class))
			.withPropertyValues("cloudrun.auth.receiving.iap.audiences=" + IAP_AUDIENCE,
					"cloudrun.auth.receiving.iap.allow-any-user=true");
	}

	private static WebApplicationContextRunner servlet() {
		return ReceivingContexts.servlet(google.emulator(), AUDIENCE)
			.withPropertyValues("cloudrun.auth.receiving.allow-any-caller=true");
	}

	private static WebApplicationContextRunner iap() {
		return servlet().withPropertyValues("cloudrun.auth.receiving.iap.enabled=true",
				"cloudrun.auth.receiving.iap.jwk-set-uri=" + google.emulator().iap().jwkSetUri());
	}

	private static ReactiveWebApplicationContextRunner reactiveIap() {
		return ReceivingContexts.reactive(google.emulator(), AUDIENCE)
			.withPropertyValues("cloudrun.auth.receiving.allow-any-caller=true",
					"cloudrun.auth.receiving.iap.enabled=true", "cloudrun.auth.receiving.iap.allow-any-user=true");
	}

}
