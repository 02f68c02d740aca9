package dev.cloudrunauth.receiving;

import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

import static dev.cloudrunauth.StartupFailures.assertInvalidProperty;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Misconfigured path rules fail startup, naming the property.
 */
class PathRulesStartupTests {

	static final String SERVICE = "https://orders-123456789012.us-central1.run.app";

	static final String RULE = "cloudrun.auth.receiving.paths.pubsub";

	static final String CALLERS = "cloudrun.auth.receiving.allowed-callers=frontend@proj.iam.gserviceaccount.com";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();

	@Test
	void aRuleWithoutAPatternFailsStartup() {
		servlet().withPropertyValues(RULE + ".audiences=/events/pubsub")
			.run((context) -> assertInvalidProperty(context, RULE + ".pattern").hasMessageContaining("/events/pubsub"));
	}

	@Test
	void aBlankPatternFailsStartup() {
		servlet().withPropertyValues(RULE + ".pattern= ", RULE + ".audiences=/events/pubsub")
			.run((context) -> assertInvalidProperty(context, RULE + ".pattern"));
	}

	@Test
	void aPatternThatIsNoPathFailsStartup() {
		servlet().withPropertyValues(RULE + ".pattern=events/pubsub", RULE + ".audiences=/events/pubsub")
			.run((context) -> assertInvalidProperty(context, RULE + ".pattern"));
	}

	@Test
	void anInvalidPatternFailsStartup() {
		servlet().withPropertyValues(RULE + ".pattern=/events/{topic", RULE + ".audiences=/events/pubsub")
			.run((context) -> assertInvalidProperty(context, RULE + ".pattern")
				.hasMessageContaining("Not a Spring path pattern"));
	}

	@Test
	void aRuleThatChangesNothingFailsStartup() {
		servlet().withPropertyValues(RULE + ".pattern=/events/pubsub")
			.run((context) -> assertInvalidProperty(context, RULE).hasMessageContaining("changes nothing"));
	}

	@Test
	void aPathAudienceWithoutAServiceUrlToResolveItAgainstFailsStartup() {
		servlet()
			.withPropertyValues("cloudrun.auth.receiving.audiences=orders-custom-audience",
					RULE + ".pattern=/events/pubsub", RULE + ".audiences=/events/pubsub")
			.run((context) -> assertInvalidProperty(context, RULE + ".audiences")
				.hasMessageContaining("orders-custom-audience"));
	}

	@Test
	void aPatternAsAudienceFailsStartup() {
		servlet().withPropertyValues(RULE + ".pattern=/events/**", RULE + ".audiences=/events/**")
			.run((context) -> assertInvalidProperty(context, RULE + ".audiences").hasMessageContaining("no pattern"));
	}

	@Test
	void aBlankAudienceFailsStartup() {
		servlet().withPropertyValues(RULE + ".pattern=/events/pubsub", RULE + ".audiences[0]= ")
			.run((context) -> assertInvalidProperty(context, RULE + ".audiences"));
	}

	@Test
	void anAllowedCallerThatIsNoCallerFailsStartup() {
		servlet().withPropertyValues(RULE + ".pattern=/events/pubsub", RULE + ".allowed-callers=push")
			.run((context) -> assertInvalidProperty(context, RULE + ".allowed-callers"));
	}

	@Test
	void anEmptyListOfCallersFailsStartupRatherThanTakeTheServicesCallers() {
		servlet()
			.withPropertyValues(RULE + ".pattern=/events/pubsub", RULE + ".audiences=/events/pubsub",
					RULE + ".allowed-callers=")
			.run((context) -> assertInvalidProperty(context, RULE + ".allowed-callers")
				.hasMessageContaining("leave the property out"));
	}

	@Test
	void anEmptyListOfAudiencesFailsStartup() {
		servlet()
			.withPropertyValues(RULE + ".pattern=/events/pubsub", RULE + ".audiences=",
					RULE + ".allowed-callers=push@proj.iam.gserviceaccount.com")
			.run((context) -> assertInvalidProperty(context, RULE + ".audiences"));
	}

	@Test
	void theServicesCallersAreStillRequiredWithRules() {
		ReceivingContexts.servlet(google.emulator(), SERVICE)
			.withPropertyValues(RULE + ".pattern=/events/pubsub", RULE + ".audiences=/events/pubsub",
					RULE + ".allowed-callers=push@proj.iam.gserviceaccount.com")
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.receiving.allowed-callers"));
	}

	@Test
	void aPathAudienceIsResolvedAgainstEachServiceUrlAndOtherAudiencesAreKept() {
		servlet()
			.withPropertyValues("cloudrun.auth.receiving.audiences=" + SERVICE + "/,https://orders.example.com,custom",
					RULE + ".pattern=/events/pubsub", RULE + ".audiences=/events/pubsub,push-audience")
			.run((context) -> assertThat(context.getBean(PathRules.class).rules().get(0).audiences()).containsExactly(
					SERVICE + "/events/pubsub", "https://orders.example.com/events/pubsub", "push-audience"));
	}

	@Test
	void rulesWithADecoderOfTheApplicationsOwnFailStartup() {
		servlet().withUserConfiguration(OwnDecoder.class)
			.withPropertyValues(RULE + ".pattern=/events/pubsub", RULE + ".audiences=/events/pubsub")
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.receiving.paths")
				.hasMessageContaining("defines its own"));
	}

	@Test
	void rulesWithAReactiveDecoderOfTheApplicationsOwnFailStartup() {
		ReactiveWebApplicationContextRunner runner = ReceivingContexts.reactive(google.emulator(), SERVICE)
			.withPropertyValues(CALLERS);
		runner.withUserConfiguration(OwnReactiveDecoder.class)
			.withPropertyValues(RULE + ".pattern=/events/pubsub", RULE + ".audiences=/events/pubsub")
			.run((context) -> assertInvalidProperty(context, "cloudrun.auth.receiving.paths"));
	}

	@Test
	void aReactiveApplicationFailsAsTheServletOne() {
		ReceivingContexts.reactive(google.emulator(), SERVICE)
			.withPropertyValues(CALLERS, RULE + ".pattern=/events/{topic", RULE + ".audiences=/events/pubsub")
			.run((context) -> assertInvalidProperty(context, RULE + ".pattern"));
	}

	private static WebApplicationContextRunner servlet() {
		return ReceivingContexts.servlet(google.emulator(), SERVICE).withPropertyValues(CALLERS);
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnDecoder {

		@Bean
		JwtDecoder ownDecoder() {
			return (token) -> {
				throw new IllegalStateException("not called");
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnReactiveDecoder {

		@Bean
		ReactiveJwtDecoder ownDecoder() {
			return (token) -> {
				throw new IllegalStateException("not called");
			};
		}

	}

}
