package dev.cloudrunauth.receiving;

import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.util.Assert;

/**
 * {@link ReactiveJwtDecoder} for Google-signed ID tokens, the reactive counterpart of {@link GoogleIdTokenDecoder}:
 * a token with a known key is verified on the calling thread; otherwise decoding continues when the keys have been
 * fetched, without blocking.
 */
public final class ReactiveGoogleIdTokenDecoder implements ReactiveJwtDecoder {

	private static final Log logger = LogFactory.getLog(ReactiveGoogleIdTokenDecoder.class);

	private final SigningKeyCache keys;

	private final IdTokenVerifier verifier;

	private final Duration keyTimeout;

	private final @Nullable VerifiedTokenCache verifiedTokens;

	private final VerificationListener listener;

	private ReactiveGoogleIdTokenDecoder(SigningKeyCache keys, IdTokenVerifier verifier, Duration keyTimeout,
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
	public Mono<Jwt> decode(String token) {
		return verify(token).doOnNext((jwt) -> this.listener.accepted())
			.onErrorMap((ex) -> !(ex instanceof InvalidIdTokenException), this::unexpected)
			.doOnError(InvalidIdTokenException.class, (ex) -> {
				this.listener.rejected(ex.getReason());
				if (logger.isDebugEnabled()) {
					logger.debug("Rejected ID token: " + ex.getReason().tag() + " (" + ex.getMessage() + ")");
				}
			});
	}

	/**
	 * A failure nobody planned for still rejects the token with 401 rather than 500; its message is not logged, as it
	 * might quote the token.
	 */
	private InvalidIdTokenException unexpected(Throwable ex) {
		logger.warn("Unexpected " + ex.getClass().getName() + " while verifying an ID token; it was rejected");
		if (logger.isTraceEnabled()) {
			logger.trace("Unexpected verification failure", ex);
		}
		return new InvalidIdTokenException(RejectionReason.OTHER, RejectionReason.OTHER.description(), ex);
	}

	private Mono<Jwt> verify(String token) {
		return Mono.defer(() -> {
			if (this.verifiedTokens != null) {
				Jwt verified = this.verifiedTokens.get(token, this.keys);
				if (verified != null) {
					return Mono.just(verified);
				}
			}
			IdTokenVerifier.ParsedToken parsed = this.verifier.parse(token);
			if (parsed.signatureRemoved()) {
				return Mono.just(remember(this.verifier.verify(parsed, null), parsed));
			}
			RSAPublicKey known = this.keys.cachedKey(parsed.keyId());
			if (known != null) {
				return Mono.just(remember(this.verifier.verify(parsed, known), parsed));
			}
			return Mono.fromFuture(this.keys.key(parsed.keyId()))
				.timeout(this.keyTimeout)
				.onErrorMap(TimeoutException.class, (ex) -> new InvalidIdTokenException(
						RejectionReason.KEYS_UNAVAILABLE, RejectionReason.KEYS_UNAVAILABLE.description(), ex))
				.map((fetched) -> remember(this.verifier.verify(parsed, checked(fetched)), parsed));
		});
	}

	private Jwt remember(Jwt jwt, IdTokenVerifier.ParsedToken parsed) {
		if (this.verifiedTokens != null) {
			this.verifiedTokens.put(jwt, parsed.signatureRemoved() ? null : parsed.keyId());
		}
		return jwt;
	}

	private @Nullable RSAPublicKey checked(Optional<RSAPublicKey> fetched) {
		if (fetched.isEmpty() && !this.keys.keysLoaded()) {
			throw new InvalidIdTokenException(RejectionReason.KEYS_UNAVAILABLE);
		}
		return fetched.orElse(null);
	}

	/**
	 * Settings of a {@link ReactiveGoogleIdTokenDecoder}.
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
		public ReactiveGoogleIdTokenDecoder build() {
			Assert.state(this.validator != null, "A validator is required");
			return new ReactiveGoogleIdTokenDecoder(this.keys,
					new IdTokenVerifier(this.validator, this.trustCloudRunIam), this.keyTimeout, this.verifiedTokens, this.listener);
		}

	}

}
