package dev.cloudrunauth.benchmarks.startup;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.springframework.core.metrics.ApplicationStartup;
import org.springframework.core.metrics.StartupStep;

/**
 * Records Spring's startup steps like Boot's {@code BufferingApplicationStartup}, but
 * with the CPU time of the thread that ran each step as well as its wall time: on a
 * machine whose cores are shared with other builds, wall time includes waiting for a
 * core, CPU time much less so.
 */
final class CpuTimeApplicationStartup implements ApplicationStartup {

	/**
	 * One step, ended.
	 *
	 * @param id its id
	 * @param parentId the enclosing step's id, or {@code null}
	 * @param name the step's name, such as {@code spring.beans.instantiate}
	 * @param beanName its {@code beanName} tag, or {@code null}
	 * @param cpuNanos CPU time of its thread from start to end
	 * @param wallNanos wall time from start to end
	 */
	record Step(long id, Long parentId, String name, String beanName, long cpuNanos, long wallNanos) {
	}

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	private final AtomicLong ids = new AtomicLong();

	private final ThreadLocal<Deque<Recording>> current = ThreadLocal.withInitial(ArrayDeque::new);

	private final List<Step> steps = Collections.synchronizedList(new ArrayList<>());

	List<Step> steps() {
		synchronized (this.steps) {
			return new ArrayList<>(this.steps);
		}
	}

	@Override
	public StartupStep start(String name) {
		Deque<Recording> stack = this.current.get();
		Recording parent = stack.peek();
		Recording step = new Recording(this.ids.incrementAndGet(), (parent != null) ? parent.id : null, name, stack);
		stack.push(step);
		return step;
	}

	private final class Recording implements StartupStep {

		private final long id;

		private final Long parentId;

		private final String name;

		private final Deque<Recording> stack;

		private final long cpuStart = THREADS.getCurrentThreadCpuTime();

		private final long wallStart = System.nanoTime();

		private String beanName;

		Recording(long id, Long parentId, String name, Deque<Recording> stack) {
			this.id = id;
			this.parentId = parentId;
			this.name = name;
			this.stack = stack;
		}

		@Override
		public String getName() {
			return this.name;
		}

		@Override
		public long getId() {
			return this.id;
		}

		@Override
		public Long getParentId() {
			return this.parentId;
		}

		@Override
		public StartupStep tag(String key, String value) {
			if (key.equals("beanName")) {
				this.beanName = value;
			}
			return this;
		}

		@Override
		public StartupStep tag(String key, Supplier<String> value) {
			return tag(key, value.get());
		}

		@Override
		public Tags getTags() {
			return () -> new Iterator<>() {
				@Override
				public boolean hasNext() {
					return false;
				}

				@Override
				public Tag next() {
					throw new java.util.NoSuchElementException();
				}
			};
		}

		@Override
		public void end() {
			long cpu = THREADS.getCurrentThreadCpuTime() - this.cpuStart;
			long wall = System.nanoTime() - this.wallStart;
			this.stack.remove(this);
			CpuTimeApplicationStartup.this.steps
				.add(new Step(this.id, this.parentId, this.name, this.beanName, cpu, wall));
		}

	}

}
