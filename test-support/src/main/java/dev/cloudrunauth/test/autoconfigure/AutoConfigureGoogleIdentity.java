package dev.cloudrunauth.test.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;

/**
 * Runs a {@link dev.cloudrunauth.test.emulator.GoogleIdentityEmulator} for the test's
 * application context, on {@code @SpringBootTest} as on {@code @WebMvcTest} and
 * {@code @WebFluxTest} slices: the receiving side fetches its keys from the emulator
 * ({@code cloudrun.auth.receiving.jwk-set-uri}), the calling side mints through the
 * emulator's metadata server as on Cloud Run, and the application's own {@code audiences}
 * and {@code allowed-callers} stay as configured. The emulator is a bean, for faults, key
 * rotation and counters, and stops when the context closes.
 * <p>
 * Slices get the security and cloudrun-auth auto-configurations, so requests are verified
 * by the real decoder; send tokens with
 * {@link dev.cloudrunauth.test.web.GoogleIdTokens#googleIdToken()} (MockMvc) or
 * {@link dev.cloudrunauth.test.web.GoogleIdTokenMutators#googleIdToken()}
 * (WebTestClient).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
public @interface AutoConfigureGoogleIdentity {

	/**
	 * Service account the emulator's metadata server answers for, that is the identity
	 * the application calls other services as. Empty for the emulator's default.
	 * @return the email of the service account
	 */
	String serviceAccount() default "";

}
