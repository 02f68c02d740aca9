package dev.cloudrunauth.benchmarks.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A bounded closed-loop load: {@code threads} threads call an operation back to back
 * until either {@code maxRequests} calls have been claimed or {@code maxDuration} has
 * passed, whichever comes first. Always stops by itself.
 */
public final class Load {

	/**
	 * One call of the operation under load.
	 */
	@FunctionalInterface
	public interface Operation {

		/**
		 * Make one call.
		 * @param thread index of the calling thread
		 * @param sequence global sequence number of this call
		 * @throws Exception if the call failed (counted as an error)
		 */
		void call(int thread, long sequence) throws Exception;

	}

	/**
	 * What a run did.
	 *
	 * @param completed calls that returned normally
	 * @param errors calls that threw
	 * @param elapsedNanos wall-clock time from start gate to the last thread stopping
	 * @param firstError the first failure, if any
	 * @param workerCpuNanos CPU time the load's own threads used
	 */
	public record Result(long completed, long errors, long elapsedNanos, Throwable firstError, long workerCpuNanos) {

		public double throughput() {
			return this.completed / (this.elapsedNanos / 1e9);
		}

	}

	private Load() {
	}

	public static Result run(String name, int threads, long maxRequests, Duration maxDuration, Operation operation) {
		AtomicLong claimed = new AtomicLong();
		AtomicLong completed = new AtomicLong();
		AtomicLong errors = new AtomicLong();
		AtomicReference<Throwable> firstError = new AtomicReference<>();
		AtomicLong workerCpu = new AtomicLong();
		java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
		CountDownLatch ready = new CountDownLatch(threads);
		CountDownLatch start = new CountDownLatch(1);
		long[] startedAt = new long[1];
		long[] deadlineHolder = new long[1];
		List<Thread> workers = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			int index = i;
			Thread worker = new Thread(() -> {
				ready.countDown();
				try {
					start.await();
				}
				catch (InterruptedException ex) {
					return;
				}
				long deadline = deadlineHolder[0];
				long cpuStart = cpu.getCurrentThreadCpuTime();
				long ok = 0;
				long failed = 0;
				while (System.nanoTime() < deadline) {
					long sequence = claimed.getAndIncrement();
					if (sequence >= maxRequests) {
						break;
					}
					try {
						operation.call(index, sequence);
						ok++;
					}
					catch (Throwable ex) {
						failed++;
						firstError.compareAndSet(null, ex);
					}
				}
				completed.addAndGet(ok);
				errors.addAndGet(failed);
				workerCpu.addAndGet(cpu.getCurrentThreadCpuTime() - cpuStart);
			}, name + "-" + i);
			worker.setDaemon(true);
			workers.add(worker);
			worker.start();
		}
		try {
			ready.await();
			startedAt[0] = System.nanoTime();
			deadlineHolder[0] = startedAt[0] + maxDuration.toNanos();
			start.countDown();
			for (Thread worker : workers) {
				// a call in flight may take a while; give it the duration again, then
				// give up on it
				worker.join(Math.max(1, maxDuration.toMillis() * 2 + 30_000));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		long elapsed = System.nanoTime() - startedAt[0];
		return new Result(completed.get(), errors.get(), elapsed, firstError.get(), workerCpu.get());
	}

}
