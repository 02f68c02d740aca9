package dev.cloudrunauth.benchmarks.support;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Median and spread of a small sample, typically the per-round ratios of two variants.
 */
public final class Stats {

	private final List<Double> sorted;

	private Stats(List<Double> values) {
		this.sorted = new ArrayList<>(values);
		Collections.sort(this.sorted);
	}

	public static Stats of(List<Double> values) {
		if (values.isEmpty()) {
			throw new IllegalArgumentException("no values");
		}
		return new Stats(values);
	}

	public int count() {
		return this.sorted.size();
	}

	public double min() {
		return this.sorted.get(0);
	}

	public double max() {
		return this.sorted.get(this.sorted.size() - 1);
	}

	public double median() {
		return quantile(0.5);
	}

	/**
	 * Linear interpolation between closest ranks.
	 * @param q between 0 and 1
	 * @return the quantile
	 */
	public double quantile(double q) {
		double position = q * (this.sorted.size() - 1);
		int lower = (int) Math.floor(position);
		int upper = (int) Math.ceil(position);
		double fraction = position - lower;
		return this.sorted.get(lower) + (this.sorted.get(upper) - this.sorted.get(lower)) * fraction;
	}

	/**
	 * Return an approximate 95% confidence interval of the median from order statistics
	 * (distribution-free).
	 * @return {@code [low, high]}
	 */
	public double[] medianInterval() {
		int n = this.sorted.size();
		int low = (int) Math.floor(n / 2.0 - 0.98 * Math.sqrt(n));
		int high = (int) Math.ceil(n / 2.0 + 0.98 * Math.sqrt(n)) - 1;
		low = Math.max(0, low);
		high = Math.min(n - 1, high);
		return new double[] { this.sorted.get(low), this.sorted.get(high) };
	}

	public List<Double> values() {
		return List.copyOf(this.sorted);
	}

	/**
	 * Return e.g. {@code 0.981–1.004 (n=8)}.
	 * @param digits decimals
	 * @return the spread
	 */
	public String spread(int digits) {
		String format = "%." + digits + "f";
		return String.format(Locale.ROOT, format + "–" + format + " (n=%d)", min(), max(), count());
	}

	public String median(int digits) {
		return String.format(Locale.ROOT, "%." + digits + "f", median());
	}

	public static String fmt(double value, int digits) {
		return String.format(Locale.ROOT, "%." + digits + "f", value);
	}

}
