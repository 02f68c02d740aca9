package dev.cloudrunauth.calling;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Queues each audience's next mint (a refresh ahead of expiry, or a retry after a
 * failure) on one daemon thread, at most one per audience; a retired audience's task is
 * dropped from the queue at once.
 */
final class RefreshScheduler implements AutoCloseable {

	private final ScheduledThreadPoolExecutor executor;

	RefreshScheduler() {
		CustomizableThreadFactory threads = new CustomizableThreadFactory("cloudrun-auth-refresh-");
		threads.setDaemon(true);
		this.executor = new ScheduledThreadPoolExecutor(1, threads);
		// without this a cancelled task stays queued, holding its entry, until it is due
		this.executor.setRemoveOnCancelPolicy(true);
	}

	/**
	 * Queue the task as the audience's only one, replacing any queued before.
	 * @param entry the audience's entry
	 * @param delayMillis how long from now
	 * @param task the task, which only starts a mint
	 */
	void schedule(AudienceEntry entry, long delayMillis, Runnable task) {
		entry.replaceRefresh(() -> this.executor.isShutdown() ? null
				: this.executor.schedule(task, Math.max(0, delayMillis), TimeUnit.MILLISECONDS));
	}

	/**
	 * Return how many tasks are queued.
	 * @return the count
	 */
	int queued() {
		return this.executor.getQueue().size();
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
	}

}
