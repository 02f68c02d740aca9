package dev.cloudrunauth.receiving;

import java.security.interfaces.RSAPublicKey;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.util.Assert;

/**
 * {@link JwtDecoder} for Google-signed ID tokens: RS256 only, keys from a {@link SigningKeyCache}, claims validated
 * by the given validator. With {@code trustCloudRunIam}, a token whose signature Cloud Run's IAM invoker check replaced
 * with {@code SIGNATURE_REMOVED_BY_GOOGLE} is accepted without a signature; any other signature is verified. Every
 * rejection is an {@link InvalidIdTokenException}.
 */
public final class GoogleIdTokenDecoder implements JwtDecoder {

	private final IdTokenDecoding decoding;

	private GoogleIdTokenDecoder(IdTokenDecoding decoding) {
		this.decoding = decoding;
	}

	/**
	 * Return a builder for a decoder using the given keys.
	 * @param keys the signing keys
	 * @return a builder
	 */
	static Builder withSigningKeys(SigningKeyCache keys) {
		return new Builder(keys);
	}

	@Override
	public Jwt decode(String token) throws JwtException {
		Assert.notNull(token, "token cannot be null");
		try {
			Jwt verified = this.decoding.verifiedBefore(token);
			if (verified != null) {
				return this.decoding.accepted(verified);
			}
			IdTokenVerifier.ParsedToken parsed = this.decoding.verifier.parse(token);
			if (parsed.signatureRemoved()) {
				awaitInvokerIamCheck();
				this.decoding.checkInvokerIam();
				return this.decoding.accepted(this.decoding.verify(parsed, null));
			}
			return this.decoding.accepted(this.decoding.verify(parsed, key(parsed.keyId())));
		}
		catch (RuntimeException ex) {
			throw this.decoding.rejected(ex);
		}
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
			// not known in time: trust mode goes on as configured, as when the setting cannot be read
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private @Nullable RSAPublicKey key(String keyId) {
		RSAPublicKey key = this.decoding.keys.cachedKey(keyId);
		if (key != null) {
			return key;
		}
		try {
			return this.decoding.fetched(this.decoding.keys.key(keyId)
				.get(this.decoding.keyTimeout.toMillis(), TimeUnit.MILLISECONDS));
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

		/**
		 * Build the decoder.
		 * @return the decoder
		 */
		public GoogleIdTokenDecoder build() {
			return new GoogleIdTokenDecoder(decoding());
		}

	}

}
