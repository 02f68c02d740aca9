package dev.cloudrunauth.test.web;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.cloudrunauth.test.emulator.GoogleIdentityEmulator;
import dev.cloudrunauth.test.emulator.IdTokenBuilder;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;

/**
 * What goes into a token signed by the {@link GoogleIdentityEmulator} of the request's
 * application context (see
 * {@link dev.cloudrunauth.test.autoconfigure.AutoConfigureGoogleIdentity}), and in which
 * header it is sent. Unlike Spring Security's {@code jwt()}, which puts a ready-made
 * authentication in place of the token, the token is real and goes through the
 * application's decoder, audience, issuer and caller rules.
 *
 * @param <S> the type of this spec
 */
public abstract class GoogleIdTokenSpec<S extends GoogleIdTokenSpec<S>> {

	private static final String AUDIENCES = "cloudrun.auth.receiving.audiences";

	private @Nullable String caller;

	private @Nullable String audience;

	private @Nullable String issuer;

	private boolean expired;

	private boolean serverless;

	private final Map<String, Object> claims = new LinkedHashMap<>();

	private final Map<String, Object> headers = new LinkedHashMap<>();

	GoogleIdTokenSpec() {
	}

	/**
	 * Set the calling service account ({@code email}, {@code sub}, {@code azp}); the
	 * emulator's metadata service account by default.
	 * @param email the service account's email
	 * @return this spec
	 */
	public S caller(String email) {
		this.caller = Objects.requireNonNull(email, "email cannot be null");
		return self();
	}

	/**
	 * Set the audience; by default the first of
	 * {@code cloudrun.auth.receiving.audiences}.
	 * @param audience the audience
	 * @return this spec
	 */
	public S audience(String audience) {
		this.audience = Objects.requireNonNull(audience, "audience cannot be null");
		return self();
	}

	/**
	 * Make the token one that expired an hour ago, well beyond any clock skew.
	 * @return this spec
	 */
	public S expired() {
		this.expired = true;
		return self();
	}

	/**
	 * Set the {@code iss} claim.
	 * @param issuer the issuer
	 * @return this spec
	 */
	public S issuer(String issuer) {
		this.issuer = Objects.requireNonNull(issuer, "issuer cannot be null");
		return self();
	}

	/**
	 * Set a claim, replacing any the token has by default.
	 * @param name the claim's name
	 * @param value its value
	 * @return this spec
	 */
	public S claim(String name, Object value) {
		this.claims.put(name, value);
		return self();
	}

	/**
	 * Set a header of the token itself (its JOSE header), such as {@code kid} or
	 * {@code alg}.
	 * @param name the header's name
	 * @param value its value
	 * @return this spec
	 */
	public S header(String name, Object value) {
		this.headers.put(name, value);
		return self();
	}

	/**
	 * Send the token in {@code X-Serverless-Authorization} rather than
	 * {@code Authorization}.
	 * @return this spec
	 */
	public S serverless() {
		this.serverless = true;
		return self();
	}

	@SuppressWarnings("unchecked")
	private S self() {
		return (S) this;
	}

	String headerName() {
		return this.serverless ? "X-Serverless-Authorization" : "Authorization";
	}

	String headerValue(@Nullable ApplicationContext context) {
		if (context == null) {
			throw new IllegalStateException("googleIdToken() needs the request's application context");
		}
		GoogleIdentityEmulator emulator;
		try {
			emulator = context.getBean(GoogleIdentityEmulator.class);
		}
		catch (NoSuchBeanDefinitionException ex) {
			throw new IllegalStateException(
					"googleIdToken() signs with the application context's GoogleIdentityEmulator, and there is none: "
							+ "annotate the test class with @AutoConfigureGoogleIdentity",
					ex);
		}
		IdTokenBuilder token = emulator
			.idToken((this.audience != null) ? this.audience : defaultAudience(context.getEnvironment()));
		if (this.caller != null) {
			token.serviceAccount(emulator.serviceAccount(this.caller));
		}
		if (this.issuer != null) {
			token.issuer(this.issuer);
		}
		if (this.expired) {
			Instant now = Instant.now();
			token.issuedAt(now.minus(Duration.ofHours(2))).expiresAt(now.minus(Duration.ofHours(1)));
		}
		this.claims.forEach(token::claim);
		this.headers.forEach(token::header);
		return "Bearer " + token.sign();
	}

	private static String defaultAudience(Environment environment) {
		List<String> audiences = Binder.get(environment)
			.bind(AUDIENCES, Bindable.listOf(String.class))
			.orElse(List.of());
		return audiences.stream()
			.map(String::trim)
			.filter((audience) -> !audience.isEmpty())
			.findFirst()
			.orElseThrow(() -> new IllegalStateException(
					AUDIENCES + " is not set, so googleIdToken() has no default audience: set .audience(...)"));
	}

}
