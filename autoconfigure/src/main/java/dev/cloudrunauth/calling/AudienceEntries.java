package dev.cloudrunauth.calling;

import java.util.concurrent.atomic.LongAdder;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import org.jspecify.annotations.Nullable;

/**
 * The audiences tokens are held for, at most {@code maxAudiences}: beyond that Caffeine
 * evicts the one it expects to be used least, and the evicted entry is retired so that
 * its queued refresh is cancelled.
 */
final class AudienceEntries {

	private final Cache<String, AudienceEntry> entries;

	private final LongAdder evictions = new LongAdder();

	AudienceEntries(int maxAudiences) {
		this.entries = Caffeine.newBuilder()
			.maximumSize(maxAudiences)
			// evict on the thread that added the audience rather than later on the common
			// pool, so the bound and the
			// cancelled refreshes follow each insert as closely as Caffeine allows
			.executor(Runnable::run)
			.evictionListener((String audience, AudienceEntry entry, RemovalCause cause) -> {
				entry.retire();
				this.evictions.increment();
			})
			.build();
	}

	/**
	 * Return the entry of an audience, adding it if there is none.
	 * @param audience the audience
	 * @return the entry
	 */
	AudienceEntry get(String audience) {
		return this.entries.get(audience, AudienceEntry::new);
	}

	/**
	 * Return the entry of an audience without adding one.
	 * @param audience the audience
	 * @return the entry or {@code null}
	 */
	@Nullable AudienceEntry find(String audience) {
		return this.entries.getIfPresent(audience);
	}

	/**
	 * Return how many audiences are held once pending evictions are done.
	 * @return the count, at most {@code maxAudiences}
	 */
	int size() {
		this.entries.cleanUp();
		return (int) this.entries.estimatedSize();
	}

	long evictions() {
		return this.evictions.sum();
	}

}
