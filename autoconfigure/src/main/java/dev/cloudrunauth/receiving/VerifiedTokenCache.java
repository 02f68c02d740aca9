package dev.cloudrunauth.receiving;

import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.util.Assert;
import org.springframework.util.function.SingletonSupplier;

/**
 * Remembers tokens that passed verification, so that a caller reusing its token (for up
 * to an hour) is verified once rather than on every request. Keyed by the whole token
 * string; an entry counts only until the token's {@code exp} (with the same clock skew as
 * verification), and only while the key that verified its signature is still published
 * under its id (a key id published again with other material is another key). Only tokens
 * that verified and whose caller the given rule admits are stored: anyone can mint Google
 * tokens for this service's audience, and those of callers who may not call must not push
 * out the entries of those who may. Tokens whose signature Cloud Run removed are not
 * stored: they are checked against its invoker IAM setting every time.
 * <p>
 * Each decoder with its own audiences (those of a rule of
 * {@code cloudrun.auth.receiving.paths}) uses its own {@link #scope scope}: an entry
 * counts only in the scope that verified it, so that a token verified for one path's
 * audiences is never taken as verified on a path with other audiences.
 * <p>
 * A Caffeine cache bounds it (W-TinyLFU: a token in frequent use outlives tokens seen
 * once) and expires each entry at its own time. What Caffeine cannot know is done here:
 * which callers are admitted, and whether the entry's key is still the one published
 * under its id.
 */
final class VerifiedTokenCache {

	private final int maxSize;

	private final long clockSkewMillis;

	private final AllowedCallers admitted;

	private final Clock clock;

	// built on first use: building a Caffeine cache loads its generated classes, some 25
	// ms
	// of CPU that startup need not wait for
	private final SingletonSupplier<Cache<Key, Entry>> entries;

	private final String scope;

	private final LongAdder hits;

	private final LongAdder misses;

	/**
	 * Create a cache.
	 * @param maxSize the most tokens remembered
	 * @param clockSkew the clock skew allowed after {@code exp}, as in verification
	 * @param admitted the callers whose tokens are remembered, normally the allowed
	 * callers
	 * @param clock the clock
	 */
	VerifiedTokenCache(int maxSize, Duration clockSkew, AllowedCallers admitted, Clock clock) {
		Assert.isTrue(maxSize > 0, "maxSize must be positive");
		Assert.isTrue(!clockSkew.isNegative(), "clockSkew cannot be negative");
		Assert.notNull(admitted, "admitted cannot be null");
		Assert.notNull(clock, "clock cannot be null");
		this.maxSize = maxSize;
		this.clockSkewMillis = clockSkew.toMillis();
		this.admitted = admitted;
		this.clock = clock;
		this.scope = "";
		this.hits = new LongAdder();
		this.misses = new LongAdder();
		this.entries = SingletonSupplier.of(() -> Caffeine.newBuilder()
			.maximumSize(maxSize)
			.expireAfter(Expiry
				.creating((Key key, Entry entry) -> Duration.ofMillis(Math.max(0, entry.validUntil - clock.millis()))))
			.ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
			// evictions on the request thread that inserts: a few steps, and no work
			// handed to the common pool
			.executor(Runnable::run)
			.<Key, Entry>build());
	}

	private VerifiedTokenCache(VerifiedTokenCache shared, String scope, AllowedCallers admitted) {
		this.maxSize = shared.maxSize;
		this.clockSkewMillis = shared.clockSkewMillis;
		this.admitted = admitted;
		this.clock = shared.clock;
		this.scope = scope;
		this.hits = shared.hits;
		this.misses = shared.misses;
		this.entries = shared.entries;
	}

	/**
	 * Return a view of this cache, sharing its bound and counters, whose entries are
	 * separate from those of every other scope.
	 * @param scope the scope, such as the name of a path rule; not the empty string of
	 * this cache's own
	 * @param admitted the callers whose tokens are remembered in that scope
	 * @return the view
	 */
	VerifiedTokenCache scope(String scope, AllowedCallers admitted) {
		Assert.hasLength(scope, "scope cannot be empty");
		Assert.notNull(admitted, "admitted cannot be null");
		return new VerifiedTokenCache(this, scope, admitted);
	}

	/**
	 * Return the verified token, if it was verified before, has not expired, and the key
	 * that verified it is still published.
	 * @param token the compact serialization
	 * @param keys the current signing keys
	 * @return the verified token or {@code null}
	 */
	@Nullable Jwt get(String token, SigningKeyCache keys) {
		Key key = new Key(this.scope, token);
		Entry entry = this.entries.obtain().getIfPresent(key);
		if (entry == null) {
			this.misses.increment();
			return null;
		}
		if (keys.cachedKey(entry.keyId()) != entry.key()) {
			this.entries.obtain().asMap().remove(key, entry);
			this.misses.increment();
			return null;
		}
		this.hits.increment();
		return entry.jwt();
	}

	/**
	 * Remember a token that passed verification, if its caller is admitted.
	 * @param jwt the verified token
	 * @param keyId the id of the key that verified its signature
	 * @param key that key
	 */
	void put(Jwt jwt, String keyId, PublicKey key) {
		Instant expiresAt = jwt.getExpiresAt();
		if (expiresAt == null || !this.admitted.allows(jwt)) {
			return;
		}
		this.entries.obtain()
			.put(new Key(this.scope, jwt.getTokenValue()),
					new Entry(jwt, keyId, key, expiresAt.toEpochMilli() + this.clockSkewMillis));
	}

	/**
	 * Return the number of tokens remembered.
	 * @return the size
	 */
	int size() {
		Cache<Key, Entry> entries = this.entries.obtain();
		entries.cleanUp();
		return (int) entries.estimatedSize();
	}

	/**
	 * Return the most tokens remembered.
	 * @return the bound
	 */
	int maxSize() {
		return this.maxSize;
	}

	/**
	 * Return how many lookups found a valid entry.
	 * @return the count
	 */
	long hits() {
		return this.hits.sum();
	}

	/**
	 * Return how many lookups did not.
	 * @return the count
	 */
	long misses() {
		return this.misses.sum();
	}

	private record Key(String scope, String token) {

		@Override
		public String toString() {
			return "Key[scope=" + this.scope + "]";
		}

	}

	private record Entry(Jwt jwt, String keyId, PublicKey key, long validUntil) {
	}

}
