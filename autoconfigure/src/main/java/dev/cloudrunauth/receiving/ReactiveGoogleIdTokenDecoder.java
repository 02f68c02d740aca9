package dev.cloudrunauth.receiving;

import java.security.PublicKey;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

import io.micrometer.observation.Observation;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.util.Assert;

/**
 * {@link ReactiveJwtDecoder} for Google-signed ID tokens, the reactive counterpart of
 * {@link GoogleIdTokenDecoder}: a token with a known key is verified on the calling
 * thread; otherwise decoding continues when the keys have been fetched, without blocking.
 */
public final class ReactiveGoogleIdTokenDecoder implements ReactiveJwtDecoder, AutoCloseable {

	private final IdTokenDecoding decoding;

	private ReactiveGoogleIdTokenDecoder(IdTokenDecoding decoding) {
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
	static ReactiveGoogleIdTokenDecoder of(IdTokenDecoding decoding) {
		return new ReactiveGoogleIdTokenDecoder(decoding);
	}

	@Override
	public Mono<Jwt> decode(String token) {
		return Mono.defer(() -> {
			Observation verification = this.decoding.started();
			return verify(token).map((jwt) -> this.decoding.accepted(verification, jwt))
				.onErrorMap((ex) -> this.decoding.rejected(verification, ex))
				.doOnCancel(verification::stop);
		});
	}

	/**
	 * Stop fetching keys, if this decoder fetches its own (one from
	 * {@link #withAudiences}).
	 */
	@Override
	public void close() {
		this.decoding.close();
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
				// the future is shared by every waiting request: a timeout here must not
				// cancel it
				Mono<?> checked = (pending != null) ? Mono.fromFuture(pending, true)
					.timeout(this.decoding.keyTimeout)
					.onErrorResume(TimeoutException.class, (ex) -> Mono.empty()) : Mono.empty();
				return checked.then(Mono.fromCallable(() -> {
					this.decoding.checkInvokerIam();
					return this.decoding.verify(parsed, null);
				}));
			}
			PublicKey known = this.decoding.keys.cachedKey(parsed.keyId());
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

		private Builder(Collection<String> audiences) {
			super(audiences);
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
