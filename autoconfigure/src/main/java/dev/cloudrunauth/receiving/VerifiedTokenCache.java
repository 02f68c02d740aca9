package dev.cloudrunauth.receiving;

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
 * (with the same clock skew as verification), checked on every hit, and only while its signing key is still
 * published. Only successful verifications are ever stored. Bounded: beyond {@code maxSize} entries, expired ones and
 * then the least recently used ones are evicted.
 */
public final class VerifiedTokenCache {

	private final int maxSize;

	private final long clockSkewMillis;

	private final Clock clock;

	private final Map<String, Entry> entries = new ConcurrentHashMap<>();

	private final LongAdder hits = new LongAdder();

	private final LongAdder misses = new LongAdder();

	/**
	 * Create a cache.
	 * @param maxSize the most tokens remembered
	 * @param clockSkew the clock skew allowed after {@code exp}, as in verification
	 * @param clock the clock
	 */
	public VerifiedTokenCache(int maxSize, Duration clockSkew, Clock clock) {
		Assert.isTrue(maxSize > 0, "maxSize must be positive");
		Assert.isTrue(!clockSkew.isNegative(), "clockSkew cannot be negative");
		this.maxSize = maxSize;
		this.clockSkewMillis = clockSkew.toMillis();
		this.clock = clock;
	}

	/**
	 * Return the verified token, if it was verified before, has not expired, and its key is still published.
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
		if (now >= entry.validUntil || (entry.keyId != null && keys.cachedKey(entry.keyId) == null)) {
			this.entries.remove(token, entry);
			this.misses.increment();
			return null;
		}
		entry.markUsed(now);
		this.hits.increment();
		return entry.jwt;
	}

	/**
	 * Remember a token that passed verification.
	 * @param jwt the verified token
	 * @param keyId the id of the key that verified its signature, or {@code null} if Cloud Run did
	 */
	void put(Jwt jwt, @Nullable String keyId) {
		Instant expiresAt = jwt.getExpiresAt();
		if (expiresAt == null) {
			return;
		}
		long now = this.clock.millis();
		if (this.entries.size() >= this.maxSize) {
			evict(now);
		}
		this.entries.put(jwt.getTokenValue(),
				new Entry(jwt, keyId, expiresAt.toEpochMilli() + this.clockSkewMillis, now));
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

		final @Nullable String keyId;

		final long validUntil;

		/**
		 * Second of the last use: written at most once a second, so that a token in constant use does not make its
		 * entry a point of contention between request threads.
		 */
		volatile long lastUsedSecond;

		Entry(Jwt jwt, @Nullable String keyId, long validUntil, long now) {
			this.jwt = jwt;
			this.keyId = keyId;
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
