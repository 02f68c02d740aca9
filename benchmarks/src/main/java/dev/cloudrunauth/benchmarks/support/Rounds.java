package dev.cloudrunauth.benchmarks.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

/**
 * Measures variants side by side: warm-up rounds of each, then rounds in which every
 * variant is measured once, in an order that rotates from round to round (A B, B A, ...),
 * so that drift of a noisy machine hits all variants alike. Figures are then ratios of
 * two variants within the same round.
 */
public final class Rounds {

	/**
	 * A variant: measure once, return a score where more is better (throughput) or a
	 * time; the caller decides.
	 *
	 * @param name the variant's name
	 * @param measure measures one round (the argument is the round number, negative for
	 * warm-up)
	 */
	public record Variant(String name, IntToDoubleFunction measure) {
	}

	private final Map<String, List<Double>> values = new LinkedHashMap<>();

	private Rounds() {
	}

	public static Rounds run(List<Variant> variants, int warmupRounds, int rounds) {
		Rounds result = new Rounds();
		for (Variant variant : variants) {
			result.values.put(variant.name(), new ArrayList<>());
		}
		for (int warmup = 0; warmup < warmupRounds; warmup++) {
			for (Variant variant : variants) {
				variant.measure().applyAsDouble(-1 - warmup);
			}
		}
		for (int round = 0; round < rounds; round++) {
			int n = variants.size();
			for (int k = 0; k < n; k++) {
				// rotate, and reverse every other round: A B C, C B A... -> B C A, A C B
				// ...
				int index = (round % 2 == 0) ? (k + round / 2) % n : (n - 1 - k + round / 2) % n;
				Variant variant = variants.get(index);
				double value = variant.measure().applyAsDouble(round);
				result.values.get(variant.name()).add(value);
				Console.log("    round %d %-40s %s", round + 1, variant.name(), Stats.fmt(value, 1));
			}
		}
		return result;
	}

	public List<Double> values(String variant) {
		return this.values.get(variant);
	}

	/**
	 * Per-round ratios {@code numerator / denominator}.
	 * @param numerator a variant
	 * @param denominator another variant
	 * @return the ratios
	 */
	public Stats ratio(String numerator, String denominator) {
		List<Double> a = this.values.get(numerator);
		List<Double> b = this.values.get(denominator);
		List<Double> ratios = new ArrayList<>();
		for (int i = 0; i < a.size(); i++) {
			ratios.add(a.get(i) / b.get(i));
		}
		return Stats.of(ratios);
	}

	/**
	 * Per-round differences {@code a - b}.
	 * @param a a variant
	 * @param b another variant
	 * @return the differences
	 */
	public Stats difference(String a, String b) {
		List<Double> x = this.values.get(a);
		List<Double> y = this.values.get(b);
		List<Double> differences = new ArrayList<>();
		for (int i = 0; i < x.size(); i++) {
			differences.add(x.get(i) - y.get(i));
		}
		return Stats.of(differences);
	}

	public Stats stats(String variant) {
		return Stats.of(this.values.get(variant));
	}

}
