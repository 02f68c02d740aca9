package dev.cloudrunauth.calling;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for a mint at most the timeout, blocking or not, and turns whatever prevents a
 * token into an {@link IdTokenUnavailableException}, with anything shaped like a token
 * cut out of its reason.
 */
final class MintWaits {

	private final Duration timeout;

	private final IdTokenMinter minter;

	MintWaits(Duration timeout, IdTokenMinter minter) {
		this.timeout = timeout;
		this.minter = minter;
	}

	String await(String audience, CompletableFuture<CachedIdToken> mint) {
		try {
			return mint.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS).value();
		}
		catch (TimeoutException ex) {
			throw unavailable(audience, ex);
		}
		catch (ExecutionException ex) {
			throw unavailable(audience, unwrap(ex));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw unavailable(audience, ex);
		}
	}

	CompletableFuture<String> async(String audience, CompletableFuture<CachedIdToken> mint) {
		CompletableFuture<String> result = new CompletableFuture<>();
		// a copy, so that one caller's timeout does not fail the mint for the others
		mint.copy().orTimeout(this.timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((minted, failure) -> {
			if (failure == null) {
				result.complete(minted.value());
			}
			else {
				result.completeExceptionally(unavailable(audience, unwrap(failure)));
			}
		});
		return result;
	}

	/**
	 * Return the exception for a call that gets no token because the last attempt failed
	 * and the next may not start yet.
	 * @param audience the audience
	 * @param failure the last failure
	 * @param now the time of the call, in epoch milliseconds
	 * @return the exception
	 */
	IdTokenUnavailableException retryLater(String audience, MintFailure failure, long now) {
		return new IdTokenUnavailableException(audience, this.minter.describeCredentials(), failure.retryLater(now),
				failure.cause());
	}

	private IdTokenUnavailableException unavailable(String audience, Throwable cause) {
		if (cause instanceof IdTokenUnavailableException unavailable) {
			return unavailable;
		}
		String reason;
		if (cause instanceof TimeoutException) {
			reason = "timed out after " + this.timeout.toMillis() + " ms waiting for the token to be minted";
		}
		else if (cause instanceof InterruptedException) {
			reason = "interrupted while waiting for the token to be minted";
		}
		else {
			reason = FailureMessages.of(cause);
		}
		return new IdTokenUnavailableException(audience, this.minter.describeCredentials(), reason, cause);
	}

	private static Throwable unwrap(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof ExecutionException || cause instanceof CompletionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

}
