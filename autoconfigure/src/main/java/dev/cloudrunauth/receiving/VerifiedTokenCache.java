package dev.cloudrunauth.receiving;

import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.util.Assert;

/**
 * Remembers tokens that passed verification, so that a caller reusing its token (for up to an hour) is verified once
 * rather than on every request. Keyed by the whole token string; an entry counts only until the token's {@code exp}
 * (with the same clock skew as verification), checked on every hit, and only while the key that verified its
 * signature is still published under its id (a key id published again with other material is another key). Only
 * tokens that verified and whose caller the given rule admits are stored: anyone can mint Google tokens for this
 * service's audience, and those of callers who may not call must not push out the entries of those who may. Tokens
 * whose signature Cloud Run removed are not stored: they are checked against its invoker IAM setting every time.
 * Bounded: beyond {@code maxSize} entries, expired ones and then the least recently used ones are evicted.
 */
final class VerifiedTokenCache {

	private final int maxSize;

	private final long clockSkewMillis;

	private final AllowedCallers admitted;

	private final Clock clock;

	private final Map<String, Entry> entries = new ConcurrentHashMap<>();

	private final LongAdder hits = new LongAdder();

	private final LongAdder misses = new LongAdder();

	/**
	 * Create a cache.
	 * @param maxSize the most tokens remembered
	 * @param clockSkew the clock skew allowed after {@code exp}, as in verification
	 * @param admitted the callers whose tokens are remembered, normally the allowed callers
	 * @param clock the clock
	 */
	public VerifiedTokenCache(int maxSize, Duration clockSkew, AllowedCallers admitted, Clock clock) {
		Assert.isTrue(maxSize > 0, "maxSize must be positive");
		Assert.isTrue(!clockSkew.isNegative(), "clockSkew cannot be negative");
		Assert.notNull(admitted, "admitted cannot be null");
		Assert.notNull(clock, "clock cannot be null");
		this.maxSize = maxSize;
		this.clockSkewMillis = clockSkew.toMillis();
		this.admitted = admitted;
		this.clock = clock;
	}

	/**
	 * Return the verified token, if it was verified before, has not expired, and the key that verified it is still
	 * published.
	 * @param token the compact serialization
	 * @param keys the current signing keys
	 * @return the verified token or {@code null}
	 */
	@Nullable Jwt get(String token, SigningKeyCache keys) {
		Entry entry = this.entries.get(token);
		if (entry == null) {
			this.misses.increment();
			return null;
		}
		long now = this.clock.millis();
		if (now >= entry.validUntil || keys.cachedKey(entry.keyId) != entry.key) {
			this.entries.remove(token, entry);
			this.misses.increment();
			return null;
		}
		entry.markUsed(now);
		this.hits.increment();
		return entry.jwt;
	}

	/**
	 * Remember a token that passed verification, if its caller is admitted.
	 * @param jwt the verified token
	 * @param keyId the id of the key that verified its signature
	 * @param key that key
	 */
	void put(Jwt jwt, String keyId, RSAPublicKey key) {
		Instant expiresAt = jwt.getExpiresAt();
		if (expiresAt == null || !this.admitted.allows(jwt)) {
			return;
		}
		long now = this.clock.millis();
		if (this.entries.size() >= this.maxSize) {
			evict(now);
		}
		this.entries.put(jwt.getTokenValue(),
				new Entry(jwt, keyId, key, expiresAt.toEpochMilli() + this.clockSkewMillis, now));
	}

	/**
	 * Return the number of tokens remembered.
	 * @return the size
	 */
	public int size() {
		return this.entries.size();
	}

	/**
	 * Return the most tokens remembered.
	 * @return the bound
	 */
	public int maxSize() {
		return this.maxSize;
	}

	/**
	 * Return how many lookups found a valid entry.
	 * @return the count
	 */
	public long hits() {
		return this.hits.sum();
	}

	/**
	 * Return how many lookups did not.
	 * @return the count
	 */
	public long misses() {
		return this.misses.sum();
	}

	/**
	 * Evict expired entries, then the least recently used ones, down to nine tenths of the bound, so that a full cache
	 * is not scanned on every insert.
	 */
	private void evict(long now) {
		this.entries.values().removeIf((entry) -> now >= entry.validUntil);
		int excess = this.entries.size() - (this.maxSize - Math.max(1, this.maxSize / 10));
		if (excess <= 0) {
			return;
		}
		List<Map.Entry<String, Entry>> byLastUse = new ArrayList<>(this.entries.entrySet());
		byLastUse.sort(Comparator.comparingLong((candidate) -> candidate.getValue().lastUsedSecond));
		for (int i = 0; i < excess && i < byLastUse.size(); i++) {
			Map.Entry<String, Entry> oldest = byLastUse.get(i);
			this.entries.remove(oldest.getKey(), oldest.getValue());
		}
	}

	private static final class Entry {

		final Jwt jwt;

		final String keyId;

		final RSAPublicKey key;

		final long validUntil;

		/**
		 * Second of the last use: written at most once a second, so that a token in constant use does not make its
		 * entry a point of contention between request threads.
		 */
		volatile long lastUsedSecond;

		Entry(Jwt jwt, String keyId, RSAPublicKey key, long validUntil, long now) {
			this.jwt = jwt;
			this.keyId = keyId;
			this.key = key;
			this.validUntil = validUntil;
			this.lastUsedSecond = now / 1000;
		}

		void markUsed(long now) {
			long second = now / 1000;
			if (this.lastUsedSecond != second) {
				this.lastUsedSecond = second;
			}
		}

	}

}
