package dev.cloudrunauth.receiving;

import java.security.PublicKey;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.util.Assert;

/**
 * {@link JwtDecoder} for Google-signed ID tokens: RS256 only, with keys from Google's JWK
 * Set, and claims validated as the receiving side's properties describe. With
 * {@code trustCloudRunIam}, a token whose signature Cloud Run's IAM invoker check
 * replaced with {@code SIGNATURE_REMOVED_BY_GOOGLE} is accepted without a signature; any
 * other signature is verified. Every rejection is an {@link InvalidIdTokenException}. The
 * auto-configuration defines one; for a decoder of your own: <pre class="code">
 * GoogleIdTokenDecoder decoder = GoogleIdTokenDecoder.withAudiences("https://receiving-123456789012.us-central1.run.app")
 * 	.allowedCallers(AllowedCallers.of(List.of("*&#64;my-project.iam.gserviceaccount.com")))
 * 	.build();
 * </pre>
 */
public final class GoogleIdTokenDecoder implements JwtDecoder, AutoCloseable {

	private final IdTokenDecoding decoding;

	private GoogleIdTokenDecoder(IdTokenDecoding decoding) {
		this.decoding = decoding;
	}

	/**
	 * Return a builder for a decoder of tokens for the given audiences, which fetches
	 * Google's keys itself; its defaults are those of the
	 * {@code cloudrun.auth.receiving.*} properties. Close the decoder to stop the fetches
	 * (a {@code @Bean} is closed with its context).
	 * @param audiences the accepted audiences, such as this service's URL
	 * @return a builder
	 */
	public static Builder withAudiences(String... audiences) {
		Assert.notNull(audiences, "audiences cannot be null");
		return withAudiences(List.of(audiences));
	}

	/**
	 * Return a builder for a decoder of tokens for the given audiences, which fetches
	 * Google's keys itself.
	 * @param audiences the accepted audiences, such as this service's URL
	 * @return a builder
	 * @see #withAudiences(String...)
	 */
	public static Builder withAudiences(Collection<String> audiences) {
		return new Builder(audiences);
	}

	/**
	 * Return a builder for a decoder using the given keys, shared with others.
	 * @param keys the signing keys
	 * @return a builder
	 */
	static Builder withSigningKeys(SigningKeyCache keys) {
		return new Builder(keys);
	}

	/**
	 * Return a decoder of the given decoding, such as that of IAP's assertions.
	 * @param decoding the decoding
	 * @return the decoder
	 */
	static GoogleIdTokenDecoder of(IdTokenDecoding decoding) {
		return new GoogleIdTokenDecoder(decoding);
	}

	@Override
	public Jwt decode(String token) throws JwtException {
		Assert.notNull(token, "token cannot be null");
		Observation verification = this.decoding.started();
		try {
			return this.decoding.accepted(verification, verify(token));
		}
		catch (RuntimeException ex) {
			throw this.decoding.rejected(verification, ex);
		}
	}

	/**
	 * Stop fetching keys, if this decoder fetches its own (one from
	 * {@link #withAudiences}).
	 */
	@Override
	public void close() {
		this.decoding.close();
	}

	private Jwt verify(String token) {
		Jwt verified = this.decoding.verifiedBefore(token);
		if (verified != null) {
			return verified;
		}
		IdTokenVerifier.ParsedToken parsed = this.decoding.verifier.parse(token);
		if (parsed.signatureRemoved()) {
			awaitInvokerIamCheck();
			this.decoding.checkInvokerIam();
			return this.decoding.verify(parsed, null);
		}
		return this.decoding.verify(parsed, key(parsed.keyId()));
	}

	private void awaitInvokerIamCheck() {
		CompletableFuture<InvokerIamCheck.State> pending = this.decoding.pendingInvokerIamCheck();
		if (pending == null) {
			return;
		}
		try {
			pending.get(this.decoding.keyTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException | ExecutionException ex) {
			// not known in time: trust mode goes on as configured, as when the setting
			// cannot be read
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private @Nullable PublicKey key(String keyId) {
		PublicKey key = this.decoding.keys.cachedKey(keyId);
		if (key != null) {
			return key;
		}
		try {
			return this.decoding
				.fetched(this.decoding.keys.key(keyId).get(this.decoding.keyTimeout.toMillis(), TimeUnit.MILLISECONDS));
		}
		catch (TimeoutException | ExecutionException ex) {
			throw this.decoding.keysUnavailable(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw this.decoding.keysUnavailable(ex);
		}
	}

	/**
	 * Settings of a {@link GoogleIdTokenDecoder}.
	 */
	public static final class Builder extends IdTokenDecoderBuilder<Builder> {

		private Builder(SigningKeyCache keys) {
			super(keys);
		}

		private Builder(Collection<String> audiences) {
			super(audiences);
		}

		/**
		 * Build the decoder.
		 * @return the decoder
		 */
		public GoogleIdTokenDecoder build() {
			return new GoogleIdTokenDecoder(decoding());
		}

	}

}
