package dev.cloudrunauth.benchmarks.support;

import java.util.ArrayList;
import java.util.List;

/**
 * The results of one measurement section, rendered into RESULTS.md.
 */
public final class Report {

	/**
	 * One reported figure.
	 *
	 * @param name what it is
	 * @param variants the two variants, numerator first
	 * @param value the median ratio (or the count, for counts)
	 * @param spread min–max over rounds, or other context
	 * @param target the target, or empty
	 * @param met whether the target is met, or {@code null} if it has none
	 */
	public record Figure(String name, String variants, String value, String spread, String target, Boolean met) {
	}

	private final String number;

	private final String title;

	private final List<String> method = new ArrayList<>();

	private final List<Figure> figures = new ArrayList<>();

	private final List<String> details = new ArrayList<>();

	private final List<String> notes = new ArrayList<>();

	private String failure;

	public Report(String number, String title) {
		this.number = number;
		this.title = title;
	}

	public Report method(String line) {
		this.method.add(line);
		return this;
	}

	public Report figure(String name, String variants, String value, String spread, String target, Boolean met) {
		this.figures.add(new Figure(name, variants, value, spread, target, met));
		return this;
	}

	public Report detail(String line) {
		this.details.add(line);
		return this;
	}

	public Report note(String line) {
		this.notes.add(line);
		return this;
	}

	public void failed(Throwable ex) {
		this.failure = ex.toString();
	}

	public String number() {
		return this.number;
	}

	public String title() {
		return this.title;
	}

	public List<Figure> figures() {
		return this.figures;
	}

	public String failure() {
		return this.failure;
	}

	public String toMarkdown() {
		StringBuilder out = new StringBuilder();
		out.append("## ").append(this.number).append(". ").append(this.title).append("\n\n");
		if (this.failure != null) {
			out.append("**The measurement failed:** `").append(this.failure.replace('`', '\'')).append("`\n\n");
		}
		for (String line : this.method) {
			out.append(line).append('\n');
		}
		if (!this.method.isEmpty()) {
			out.append('\n');
		}
		if (!this.figures.isEmpty()) {
			out.append("| Figure | Variants (numerator / denominator) | Median | Spread | Target | Met |\n");
			out.append("| --- | --- | --- | --- | --- | --- |\n");
			for (Figure figure : this.figures) {
				out.append("| ")
					.append(figure.name())
					.append(" | ")
					.append(figure.variants())
					.append(" | **")
					.append(figure.value())
					.append("** | ")
					.append(figure.spread())
					.append(" | ")
					.append(figure.target())
					.append(" | ")
					.append(verdict(figure.met()))
					.append(" |\n");
			}
			out.append('\n');
		}
		if (!this.details.isEmpty()) {
			out.append("Details:\n\n");
			for (String line : this.details) {
				out.append("- ").append(line).append('\n');
			}
			out.append('\n');
		}
		if (!this.notes.isEmpty()) {
			out.append("Notes:\n\n");
			for (String line : this.notes) {
				out.append("- ").append(line).append('\n');
			}
			out.append('\n');
		}
		return out.toString();
	}

	public static String verdict(Boolean met) {
		return (met == null) ? "–" : met ? "yes" : "**no**";
	}

}
