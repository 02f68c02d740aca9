package dev.cloudrunauth.calling;

import java.util.concurrent.atomic.LongAdder;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import org.jspecify.annotations.Nullable;

import org.springframework.util.function.SingletonSupplier;

/**
 * The audiences tokens are held for, at most {@code maxAudiences}: beyond that Caffeine
 * evicts the one it expects to be used least, and the evicted entry is retired so that
 * its queued refresh is cancelled.
 */
final class AudienceEntries {

	// built on the first call: building a Caffeine cache loads its generated classes,
	// some
	// 20 ms of CPU that startup need not wait for
	private final SingletonSupplier<Cache<String, AudienceEntry>> entries;

	private final LongAdder evictions = new LongAdder();

	AudienceEntries(int maxAudiences) {
		this.entries = SingletonSupplier.of(() -> Caffeine.newBuilder()
			.maximumSize(maxAudiences)
			// evict on the adding thread, not later on the common pool: the bound and
			// the cancelled refreshes follow each insert as closely as Caffeine allows
			.executor(Runnable::run)
			.evictionListener((String audience, AudienceEntry entry, RemovalCause cause) -> {
				entry.retire();
				this.evictions.increment();
			})
			.<String, AudienceEntry>build());
	}

	/**
	 * Return the entry of an audience, adding it if there is none.
	 * @param audience the audience
	 * @return the entry
	 */
	AudienceEntry get(String audience) {
		return this.entries.obtain().get(audience, AudienceEntry::new);
	}

	/**
	 * Return the entry of an audience without adding one.
	 * @param audience the audience
	 * @return the entry or {@code null}
	 */
	@Nullable AudienceEntry find(String audience) {
		return this.entries.obtain().getIfPresent(audience);
	}

	/**
	 * Return how many audiences are held once pending evictions are done.
	 * @return the count, at most {@code maxAudiences}
	 */
	int size() {
		Cache<String, AudienceEntry> entries = this.entries.obtain();
		entries.cleanUp();
		return (int) entries.estimatedSize();
	}

	long evictions() {
		return this.evictions.sum();
	}

}
