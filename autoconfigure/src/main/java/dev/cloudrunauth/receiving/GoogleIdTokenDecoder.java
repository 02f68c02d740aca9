package dev.cloudrunauth.receiving;

import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.OAuth2TokenValidator;
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

	private static final Log logger = LogFactory.getLog(GoogleIdTokenDecoder.class);

	private final SigningKeyCache keys;

	private final IdTokenVerifier verifier;

	private final Duration keyTimeout;

	private final @Nullable VerifiedTokenCache verifiedTokens;

	private final VerificationListener listener;

	private GoogleIdTokenDecoder(SigningKeyCache keys, IdTokenVerifier verifier, Duration keyTimeout,
			@Nullable VerifiedTokenCache verifiedTokens, VerificationListener listener) {
		this.keys = keys;
		this.verifier = verifier;
		this.keyTimeout = keyTimeout;
		this.verifiedTokens = verifiedTokens;
		this.listener = listener;
	}

	/**
	 * Return a builder for a decoder using the given keys.
	 * @param keys the signing keys
	 * @return a builder
	 */
	public static Builder withSigningKeys(SigningKeyCache keys) {
		return new Builder(keys);
	}

	@Override
	public Jwt decode(String token) throws JwtException {
		Assert.notNull(token, "token cannot be null");
		try {
			Jwt jwt = verify(token);
			this.listener.accepted();
			return jwt;
		}
		catch (InvalidIdTokenException ex) {
			this.listener.rejected(ex.getReason());
			if (logger.isDebugEnabled()) {
				logger.debug("Rejected ID token: " + ex.getReason().tag() + " (" + ex.getMessage() + ")");
			}
			throw ex;
		}
		catch (RuntimeException ex) {
			throw unexpected(ex);
		}
	}

	/**
	 * A failure nobody planned for (a validator of the application's that throws, a bug) still rejects the token
	 * with 401 rather than failing the request with 500; its message is not logged, as it might quote the token.
	 */
	private InvalidIdTokenException unexpected(RuntimeException ex) {
		this.listener.rejected(RejectionReason.OTHER);
		logger.warn("Unexpected " + ex.getClass().getName() + " while verifying an ID token; it was rejected");
		if (logger.isTraceEnabled()) {
			logger.trace("Unexpected verification failure", ex);
		}
		return new InvalidIdTokenException(RejectionReason.OTHER, RejectionReason.OTHER.description(), ex);
	}

	private Jwt verify(String token) {
		if (this.verifiedTokens != null) {
			Jwt verified = this.verifiedTokens.get(token, this.keys);
			if (verified != null) {
				return verified;
			}
		}
		IdTokenVerifier.ParsedToken parsed = this.verifier.parse(token);
		Jwt jwt = this.verifier.verify(parsed, parsed.signatureRemoved() ? null : key(parsed.keyId()));
		remember(jwt, parsed);
		return jwt;
	}

	private void remember(Jwt jwt, IdTokenVerifier.ParsedToken parsed) {
		if (this.verifiedTokens != null) {
			this.verifiedTokens.put(jwt, parsed.signatureRemoved() ? null : parsed.keyId());
		}
	}

	private @Nullable RSAPublicKey key(String keyId) {
		RSAPublicKey key = this.keys.cachedKey(keyId);
		if (key != null) {
			return key;
		}
		try {
			Optional<RSAPublicKey> fetched = this.keys.key(keyId)
				.get(this.keyTimeout.toMillis(), TimeUnit.MILLISECONDS);
			if (fetched.isEmpty() && !this.keys.keysLoaded()) {
				throw new InvalidIdTokenException(RejectionReason.KEYS_UNAVAILABLE);
			}
			return fetched.orElse(null);
		}
		catch (TimeoutException | ExecutionException ex) {
			throw new InvalidIdTokenException(RejectionReason.KEYS_UNAVAILABLE,
					RejectionReason.KEYS_UNAVAILABLE.description(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new InvalidIdTokenException(RejectionReason.KEYS_UNAVAILABLE,
					RejectionReason.KEYS_UNAVAILABLE.description(), ex);
		}
	}

	/**
	 * Settings of a {@link GoogleIdTokenDecoder}.
	 */
	public static final class Builder {

		private final SigningKeyCache keys;

		private @Nullable OAuth2TokenValidator<Jwt> validator;

		private boolean trustCloudRunIam;

		private Duration keyTimeout = Duration.ofSeconds(5);

		private @Nullable VerifiedTokenCache verifiedTokens;

		private VerificationListener listener = VerificationListener.NONE;

		private Builder(SigningKeyCache keys) {
			Assert.notNull(keys, "keys cannot be null");
			this.keys = keys;
		}

		/**
		 * Validate claims with the given validator, typically from {@link IdTokenValidators}.
		 * @param validator the validator
		 * @return this builder
		 */
		public Builder validator(OAuth2TokenValidator<Jwt> validator) {
			Assert.notNull(validator, "validator cannot be null");
			this.validator = validator;
			return this;
		}

		/**
		 * Accept tokens whose signature Cloud Run's IAM invoker check removed. Only for services behind that check.
		 * @param trustCloudRunIam whether to accept such tokens
		 * @return this builder
		 */
		public Builder trustCloudRunIam(boolean trustCloudRunIam) {
			this.trustCloudRunIam = trustCloudRunIam;
			return this;
		}

		/**
		 * Wait at most this long for the keys when a token's key is not known yet.
		 * @param keyTimeout the timeout
		 * @return this builder
		 */
		public Builder keyTimeout(Duration keyTimeout) {
			Assert.isTrue(keyTimeout != null && keyTimeout.toMillis() > 0, "keyTimeout must be positive");
			this.keyTimeout = keyTimeout;
			return this;
		}

		/**
		 * Remember verified tokens, so that a token presented again is not verified again until it expires.
		 * @param verifiedTokens the cache, or {@code null} to verify every time
		 * @return this builder
		 */
		public Builder verifiedTokenCache(@Nullable VerifiedTokenCache verifiedTokens) {
			this.verifiedTokens = verifiedTokens;
			return this;
		}

		/**
		 * Tell the given listener about every accepted and rejected token, for metrics.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder verificationListener(VerificationListener listener) {
			Assert.notNull(listener, "listener cannot be null");
			this.listener = listener;
			return this;
		}

		/**
		 * Build the decoder.
		 * @return the decoder
		 */
		public GoogleIdTokenDecoder build() {
			Assert.state(this.validator != null, "A validator is required");
			return new GoogleIdTokenDecoder(this.keys, new IdTokenVerifier(this.validator, this.trustCloudRunIam),
					this.keyTimeout, this.verifiedTokens, this.listener);
		}

	}

}
