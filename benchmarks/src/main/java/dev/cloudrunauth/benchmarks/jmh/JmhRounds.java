package dev.cloudrunauth.benchmarks.jmh;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.cloudrunauth.benchmarks.support.Rounds;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs JMH benchmarks of one class in rounds: each round runs every benchmark once (one
 * fork each, short iterations), rotating the order, so that the ratio of two benchmarks
 * is taken within a round.
 */
public final class JmhRounds {

	public static final int FORKS = 1;

	public static final int WARMUP_ITERATIONS = 3;

	public static final int MEASUREMENT_ITERATIONS = 3;

	public static final int ITERATION_SECONDS = 1;

	private JmhRounds() {
	}

	public static String settings() {
		return "JMH 1.37, mode AverageTime, forks=" + FORKS + " per round, " + WARMUP_ITERATIONS + " warm-up + "
				+ MEASUREMENT_ITERATIONS + " measurement iterations of " + ITERATION_SECONDS
				+ " s, 1 thread, fork JVM -Xms512m -Xmx512m (short on purpose, to stay within the time budget)";
	}

	/**
	 * Run the benchmarks.
	 * @param benchmark the class
	 * @param methods the benchmark methods
	 * @param rounds how many rounds
	 * @param logDirectory where JMH's own output goes
	 * @return ns/op per method and round
	 */
	public static Rounds run(Class<?> benchmark, List<String> methods, int rounds, Path logDirectory) {
		return run(benchmark, methods, rounds, logDirectory, null);
	}

	/**
	 * Run the benchmarks, also with JMH's GC profiler, recording bytes allocated per
	 * operation.
	 * @param benchmark the class
	 * @param methods the benchmark methods
	 * @param rounds how many rounds
	 * @param logDirectory where JMH's own output goes
	 * @param allocations receives the last {@code gc.alloc.rate.norm} (bytes/op) per
	 * method, or {@code null} for no profiler
	 * @return ns/op per method and round
	 */
	public static Rounds run(Class<?> benchmark, List<String> methods, int rounds, Path logDirectory,
			Map<String, Double> allocations) {
		List<Rounds.Variant> variants = new ArrayList<>();
		for (String method : methods) {
			variants.add(
					new Rounds.Variant(method, (round) -> runOne(benchmark, method, round, logDirectory, allocations)));
		}
		return Rounds.run(variants, 0, rounds);
	}

	private static double runOne(Class<?> benchmark, String method, int round, Path logDirectory,
			Map<String, Double> allocations) {
		String name = benchmark.getName() + "." + method;
		OptionsBuilder builder = new OptionsBuilder();
		if (allocations != null) {
			builder.addProfiler(GCProfiler.class);
		}
		Options options = builder.include("^" + Pattern.quote(name) + "$")
			.forks(FORKS)
			.warmupIterations(WARMUP_ITERATIONS)
			.warmupTime(TimeValue.seconds(ITERATION_SECONDS))
			.measurementIterations(MEASUREMENT_ITERATIONS)
			.measurementTime(TimeValue.seconds(ITERATION_SECONDS))
			.threads(1)
			.jvmArgs("-Xms512m", "-Xmx512m", "-Dsun.net.httpserver.nodelay=true")
			.shouldFailOnError(true)
			.verbosity(VerboseMode.NORMAL)
			.output(logDirectory
				.resolve("jmh-" + benchmark.getSimpleName() + "-" + method + "-round" + (round + 1) + ".log")
				.toString())
			.build();
		try {
			RunResult result = new Runner(options).runSingle();
			if (allocations != null) {
				Result<?> allocated = result.getSecondaryResults().get("gc.alloc.rate.norm");
				if (allocated != null) {
					allocations.put(method, allocated.getScore());
				}
			}
			return result.getPrimaryResult().getScore();
		}
		catch (RunnerException ex) {
			throw new IllegalStateException("JMH run of " + name + " failed; see " + logDirectory, ex);
		}
	}

}
