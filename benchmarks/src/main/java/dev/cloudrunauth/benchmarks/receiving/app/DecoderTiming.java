package dev.cloudrunauth.benchmarks.receiving.app;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.LongAdder;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.stereotype.Component;

/**
 * Measures, when switched on, the CPU time the app's {@link JwtDecoder} takes inside the
 * server, so that measurement 4 can tell how much of the added cost is the token
 * verification itself. Switched off it only reads a volatile flag.
 */
@Component
public class DecoderTiming implements BeanPostProcessor {

	private static final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

	private static volatile boolean enabled;

	private static final LongAdder cpuNanos = new LongAdder();

	private static final LongAdder calls = new LongAdder();

	public static void enable(boolean on) {
		enabled = on;
	}

	public static long cpuNanos() {
		return cpuNanos.sum();
	}

	public static long calls() {
		return calls.sum();
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof JwtDecoder decoder && !(bean instanceof Timed)) {
			return new Timed(decoder);
		}
		return bean;
	}

	private record Timed(JwtDecoder delegate) implements JwtDecoder {

		@Override
		public Jwt decode(String token) throws JwtException {
			if (!enabled) {
				return this.delegate.decode(token);
			}
			long start = threads.getCurrentThreadCpuTime();
			try {
				return this.delegate.decode(token);
			}
			finally {
				cpuNanos.add(threads.getCurrentThreadCpuTime() - start);
				calls.increment();
			}
		}

	}

}
