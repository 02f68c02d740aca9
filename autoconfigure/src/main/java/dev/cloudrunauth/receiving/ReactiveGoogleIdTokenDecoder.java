package dev.cloudrunauth.receiving;

import java.security.interfaces.RSAPublicKey;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * {@link ReactiveJwtDecoder} for Google-signed ID tokens, the reactive counterpart of {@link GoogleIdTokenDecoder}:
 * a token with a known key is verified on the calling thread; otherwise decoding continues when the keys have been
 * fetched, without blocking.
 */
public final class ReactiveGoogleIdTokenDecoder implements ReactiveJwtDecoder {

	private final IdTokenDecoding decoding;

	private ReactiveGoogleIdTokenDecoder(IdTokenDecoding decoding) {
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
	public Mono<Jwt> decode(String token) {
		return verify(token).map(this.decoding::accepted).onErrorMap(this.decoding::rejected);
	}

	private Mono<Jwt> verify(String token) {
		return Mono.defer(() -> {
			Jwt verified = this.decoding.verifiedBefore(token);
			if (verified != null) {
				return Mono.just(verified);
			}
			IdTokenVerifier.ParsedToken parsed = this.decoding.verifier.parse(token);
			if (parsed.signatureRemoved()) {
				CompletableFuture<InvokerIamCheck.State> pending = this.decoding.pendingInvokerIamCheck();
				// the future is shared by every waiting request: a timeout here must not cancel it
				Mono<?> checked = (pending != null) ? Mono.fromFuture(pending, true)
					.timeout(this.decoding.keyTimeout)
					.onErrorResume(TimeoutException.class, (ex) -> Mono.empty()) : Mono.empty();
				return checked.then(Mono.fromCallable(() -> {
					this.decoding.checkInvokerIam();
					return this.decoding.verify(parsed, null);
				}));
			}
			RSAPublicKey known = this.decoding.keys.cachedKey(parsed.keyId());
			if (known != null) {
				return Mono.just(this.decoding.verify(parsed, known));
			}
			return Mono.fromFuture(this.decoding.keys.key(parsed.keyId()))
				.timeout(this.decoding.keyTimeout)
				.onErrorMap(TimeoutException.class, this.decoding::keysUnavailable)
				.map((fetched) -> this.decoding.verify(parsed, this.decoding.fetched(fetched)));
		});
	}

	/**
	 * Settings of a {@link ReactiveGoogleIdTokenDecoder}.
	 */
	public static final class Builder extends IdTokenDecoderBuilder<Builder> {

		private Builder(SigningKeyCache keys) {
			super(keys);
		}

		/**
		 * Build the decoder.
		 * @return the decoder
		 */
		public ReactiveGoogleIdTokenDecoder build() {
			return new ReactiveGoogleIdTokenDecoder(decoding());
		}

	}

}
