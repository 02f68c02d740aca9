package dev.cloudrunauth.calling;

import java.util.concurrent.CompletableFuture;

/**
 * Source of Google-signed OpenID Connect ID tokens, one audience at a time. Use it
 * directly for calls that are not made with Spring's HTTP clients (gRPC, a raw
 * {@code HttpClient}): send the token as {@code Authorization: Bearer}.
 */
public interface IdTokenSource {

	/**
	 * Return a token for the audience, waiting for one to be minted if none is cached.
	 * @param audience the {@code aud} the receiver expects, typically its service URL
	 * @return the compact serialization of a token that has not expired
	 * @throws IdTokenUnavailableException if no valid token can be had
	 */
	String token(String audience);

	/**
	 * Return a token for the audience without blocking the calling thread.
	 * @param audience the {@code aud} the receiver expects
	 * @return a future completed with the token, or exceptionally with an
	 * {@link IdTokenUnavailableException}
	 */
	CompletableFuture<String> tokenAsync(String audience);

}
