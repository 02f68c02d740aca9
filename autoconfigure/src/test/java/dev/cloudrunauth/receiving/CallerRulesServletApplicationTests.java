package dev.cloudrunauth.receiving;

import java.util.Base64;

import dev.cloudrunauth.test.emulator.GoogleIdentityEmulatorExtension;
import dev.cloudrunauth.test.emulator.ServiceAccount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.aop.Advisor;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Caller rules in a servlet application shaped like users' applications: controllers that
 * share handlers through an abstract base class and name their callers on the class, a
 * method annotation that overrides its class's, {@code @PreAuthorize} with
 * {@code @caller}, HTTP Basic users beside Google callers, and method security switched
 * off by the starter's property and enabled by the application.
 */
class CallerRulesServletApplicationTests {

	static final String AUDIENCE = "https://receiving-123456789012.us-central1.run.app";

	static final String A = "a-caller@p.iam.gserviceaccount.com";

	static final String B = "b-caller@p.iam.gserviceaccount.com";

	static final String ADMIN = "admin@p.iam.gserviceaccount.com";

	static final String STRANGER = "stranger@evil-project.iam.gserviceaccount.com";

	static final String PASSWORD = "basic-password";

	@RegisterExtension
	static final GoogleIdentityEmulatorExtension google = new GoogleIdentityEmulatorExtension();

	@Test
	void anInheritedHandlerTakesTheCallersOfTheClassCalledFirstAToB() {
		run((mvc) -> {
			call(mvc, "/a/ping", A).andExpect(status().isOk());
			call(mvc, "/b/ping", A).andExpect(status().isForbidden());
			call(mvc, "/b/ping", B).andExpect(status().isOk());
			call(mvc, "/a/ping", B).andExpect(status().isForbidden());
		});
	}

	@Test
	void anInheritedHandlerTakesTheCallersOfTheClassCalledFirstBToA() {
		run((mvc) -> {
			call(mvc, "/b/ping", B).andExpect(status().isOk());
			call(mvc, "/a/ping", B).andExpect(status().isForbidden());
			call(mvc, "/a/ping", A).andExpect(status().isOk());
			call(mvc, "/b/ping", A).andExpect(status().isForbidden());
		});
	}

	@Test
	void aMethodAnnotationWinsOverItsClasssAnnotation() {
		run((mvc) -> {
			call(mvc, "/b/admin", ADMIN).andExpect(status().isOk());
			call(mvc, "/b/admin", B).andExpect(status().isForbidden());
			call(mvc, "/b/ping", ADMIN).andExpect(status().isForbidden());
		});
	}

	@Test
	void aCallerOutsideTheAllowedCallersGets403WithAFixedChallenge() {
		run((mvc) -> call(mvc, "/a/ping", STRANGER).andExpect(status().isForbidden())
			.andExpect(header().string("WWW-Authenticate",
					"Bearer error=\"insufficient_scope\", error_description=\"The caller is not allowed to call this "
							+ "service\", error_uri=\"https://tools.ietf.org/html/rfc6750#section-3.1\"")));
	}

	@Test
	void aProjectPatternAdmitsEveryServiceAccountOfThatProjectOnly() {
		run((mvc) -> {
			call(mvc, "/open", "anyone@ours.iam.gserviceaccount.com").andExpect(status().isOk());
			call(mvc, "/open", "anyone@ours.iam.gserviceaccount.com.evil.com").andExpect(status().isForbidden());
			call(mvc, "/open", "anyone@evil-project.iam.gserviceaccount.com").andExpect(status().isForbidden());
		});
	}

	@Test
	void aBasicUserNamedLikeAnAllowedServiceAccountPassesNoCallerRule() {
		run((mvc) -> {
			basic(mvc, "/basic/whoami", A).andExpect(status().isOk());
			basic(mvc, "/basic/a-only", A).andExpect(status().isForbidden());
			basic(mvc, "/basic/caller-expression", A).andExpect(status().isForbidden());
			basic(mvc, "/a/ping", A).andExpect(status().isForbidden());
			call(mvc, "/basic/a-only", A).andExpect(status().isUnauthorized());
		}, BasicUsersBesideGoogleCallers.class);
	}

	@Test
	void theCallerExpressionMatchesGoogleCallersOnly() {
		run((mvc) -> {
			call(mvc, "/expression", A).andExpect(status().isOk());
			call(mvc, "/expression", B).andExpect(status().isForbidden());
		});
	}

	@Test
	void methodSecurityOfTheApplicationsOwnStillEnforcesAllowCallers() {
		run((mvc) -> {
			call(mvc, "/a/ping", A).andExpect(status().isOk());
			call(mvc, "/a/ping", B).andExpect(status().isForbidden());
			call(mvc, "/expression", B).andExpect(status().isForbidden());
		}, new Class<?>[] { OwnMethodSecurity.class }, "cloudrun.auth.receiving.method-security=false");
	}

	@Test
	void anAllowCallersEntryThatIsNoCallerFailsStartup() {
		runner(Controllers.class).withPropertyValues("test.admins=admin@p.iam.gserviceaccount.com,not-an-email")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasMessageContaining("BController' (")
				.hasMessageContaining("admin()")
				.hasMessageContaining("'not-an-email'"));
	}

	private static void run(MvcCallback callback, Class<?>... configurations) {
		run(callback, configurations, new String[0]);
	}

	private static void run(MvcCallback callback, Class<?>[] configurations, String... properties) {
		Class<?>[] all = new Class<?>[configurations.length + 1];
		all[0] = Controllers.class;
		System.arraycopy(configurations, 0, all, 1, configurations.length);
		runner(all).withPropertyValues(properties).run((context) -> {
			assertThat(context).hasNotFailed();
			callback.run(ReceivingContexts.mockMvc(context));
		});
	}

	private static WebApplicationContextRunner runner(Class<?>... configurations) {
		return ReceivingContexts.servlet(google.emulator(), AUDIENCE)
			.withUserConfiguration(configurations)
			.withPropertyValues("cloudrun.auth.receiving.allowed-callers=" + A + "," + B + "," + ADMIN
					+ ",*@ours.iam.gserviceaccount.com", "test.admins=" + ADMIN);
	}

	private static ResultActions call(MockMvc mvc, String path, String caller) throws Exception {
		String token = google.emulator().idToken(AUDIENCE).serviceAccount(ServiceAccount.of(caller)).sign();
		return mvc.perform(get(path).header("Authorization", "Bearer " + token));
	}

	private static ResultActions basic(MockMvc mvc, String path, String user) throws Exception {
		String credentials = Base64.getEncoder().encodeToString((user + ":" + PASSWORD).getBytes());
		return mvc.perform(get(path).header("Authorization", "Basic " + credentials));
	}

	@FunctionalInterface
	interface MvcCallback {

		void run(MockMvc mvc) throws Exception;

	}

	/**
	 * What several controllers of an application share.
	 */
	abstract static class PingController {

		@GetMapping("/ping")
		String ping(Authentication caller) {
			return "pong " + caller.getName();
		}

	}

	@RestController
	@RequestMapping("/a")
	@AllowCallers(A)
	static class AController extends PingController {

	}

	@RestController
	@RequestMapping("/b")
	@AllowCallers(B)
	static class BController extends PingController {

		@GetMapping("/admin")
		@AllowCallers("${test.admins}")
		String admin() {
			return "admin";
		}

	}

	@RestController
	static class OtherController {

		@GetMapping("/open")
		String open() {
			return "open";
		}

		@GetMapping("/expression")
		@PreAuthorize("@caller.in('" + A + "')")
		String expression() {
			return "expression";
		}

	}

	@RestController
	@RequestMapping("/basic")
	static class BasicController {

		@GetMapping("/whoami")
		String whoami(Authentication user) {
			return user.getName();
		}

		@GetMapping("/a-only")
		@AllowCallers(A)
		String aOnly() {
			return "a";
		}

		@GetMapping("/caller-expression")
		@PreAuthorize("@caller.in('" + A + "')")
		String callerExpression() {
			return "a";
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import({ AController.class, BController.class, OtherController.class, BasicController.class })
	static class Controllers {

	}

	/**
	 * An application whose people sign in with HTTP Basic under {@code /basic/**} and may
	 * also send Basic credentials elsewhere, beside Google callers with ID tokens. One of
	 * its users is named like an allowed service account.
	 */
	@Configuration(proxyBeanMethods = false)
	static class BasicUsersBesideGoogleCallers {

		@Bean
		UserDetailsService users() {
			return new InMemoryUserDetailsManager(
					User.withUsername(A).password("{noop}" + PASSWORD).roles("USER").build());
		}

		@Bean
		@Order(1)
		SecurityFilterChain people(HttpSecurity http) throws Exception {
			return http.securityMatcher("/basic/**")
				.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
				.httpBasic(Customizer.withDefaults())
				.csrf((csrf) -> csrf.disable())
				.build();
		}

		@Bean
		@Order(2)
		SecurityFilterChain services(HttpSecurity http,
				AllowedCallersAuthorizationManager<RequestAuthorizationContext> callers) throws Exception {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().access(callers))
				.httpBasic(Customizer.withDefaults())
				.oauth2ResourceServer((server) -> server.jwt(Customizer.withDefaults()))
				.csrf((csrf) -> csrf.disable())
				.build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableMethodSecurity
	static class OwnMethodSecurity {

		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		static Advisor allowCallers(Environment environment) {
			return AllowCallersMethodAuthorization.advisor(environment);
		}

	}

}
