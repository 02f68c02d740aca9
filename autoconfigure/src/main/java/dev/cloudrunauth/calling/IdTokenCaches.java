package dev.cloudrunauth.calling;

import java.util.Map;
import java.util.function.ToLongFunction;

import org.jspecify.annotations.Nullable;

/**
 * The token caches of a {@link GoogleIdTokenSource}, one per identity tokens are minted
 * as, so that the cache key is in effect (identity, audience): the source's own, and one
 * per service account that targets impersonate instead.
 */
final class IdTokenCaches implements AutoCloseable {

	private final IdTokenCache own;

	private final String ownIdentity;

	private final Map<String, IdTokenCache> targetIdentities;

	/**
	 * Create the caches.
	 * @param own the cache of the source's own identity
	 * @param ownIdentity the service account it impersonates, or {@code default}
	 * @param targetIdentities the caches of the targets' service accounts, by email
	 */
	IdTokenCaches(IdTokenCache own, String ownIdentity, Map<String, IdTokenCache> targetIdentities) {
		this.own = own;
		this.ownIdentity = ownIdentity;
		this.targetIdentities = Map.copyOf(targetIdentities);
	}

	IdTokenCache own() {
		return this.own;
	}

	/**
	 * Return the cache of a target's identity.
	 * @param target the target
	 * @return the cache
	 * @throws IllegalStateException if the source was not built for the target's
	 * identity, which {@link IdTokenHeaders} rules out when a client is set up
	 */
	IdTokenCache forTarget(CallingTarget target) {
		String identity = target.identity();
		if (identity == null) {
			return this.own;
		}
		IdTokenCache cache = this.targetIdentities.get(identity);
		if (cache == null) {
			throw new IllegalStateException(
					"This token source cannot mint as " + identity + " for target '" + target.getName() + "'");
		}
		return cache;
	}

	/**
	 * Return the identity a target's tokens are minted as.
	 * @param target the target
	 * @return the impersonated service account, or {@code default}
	 */
	String identity(CallingTarget target) {
		return (target.identity() != null) ? target.identity() : this.ownIdentity;
	}

	/**
	 * Return whether there is a cache for an identity.
	 * @param identity a target's identity ({@link CallingTarget#identity()})
	 * @return {@code true} if it is the source's own, or one it was built for
	 */
	boolean mintsAs(@Nullable String identity) {
		return identity == null || this.targetIdentities.containsKey(identity);
	}

	long sum(ToLongFunction<IdTokenCache> count) {
		long sum = count.applyAsLong(this.own);
		for (IdTokenCache cache : this.targetIdentities.values()) {
			sum += count.applyAsLong(cache);
		}
		return sum;
	}

	@Override
	public void close() {
		this.own.close();
		this.targetIdentities.values().forEach(IdTokenCache::close);
	}

}
