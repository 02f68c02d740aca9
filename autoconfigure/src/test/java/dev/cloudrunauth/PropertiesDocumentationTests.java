package dev.cloudrunauth;

import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.BeanUtils;
import org.springframework.beans.BeanWrapper;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.core.MethodParameter;
import org.springframework.core.convert.TypeDescriptor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documentation against the code. Reads the configuration metadata that
 * spring-boot-configuration-processor generated into this module's {@code target/classes}
 * (with {@code additional-spring-configuration-metadata.json} merged in), and checks the
 * Markdown of the repository ({@code README.md}, {@code docs/*.md},
 * {@code benchmarks/README.md}):
 * <ul>
 * <li>every property has exactly one row in a property table of {@code docs/} (first
 * column {@code Property}, the name in backticks), whose {@code Default} column holds the
 * metadata's default in backticks, or says that there is none or that it is
 * computed;</li>
 * <li>every {@code cloudrun.auth.} and {@code management.health.cloudrun-} name, and
 * every {@code CLOUDRUN_AUTH_} environment variable, in the Markdown is a property, a
 * prefix of one, a documented map key pattern such as
 * {@code cloudrun.auth.calling.targets.<name>.url}, or a meter of a {@code Meter}
 * table;</li>
 * <li>the defaults the metadata states are those of the code;</li>
 * <li>every relative link resolves, headings included;</li>
 * <li>the README stays short, starts with the demo and the tests, and links every
 * document of {@code docs/}.</li>
 * </ul>
 * Each check reports everything it finds wrong at once.
 */
class PropertiesDocumentationTests {

	private static final String METADATA = "META-INF/spring-configuration-metadata.json";

	private static final Pattern PROPERTY_NAME = Pattern
		.compile("(?<![\\w.])(cloudrun\\.auth\\.[A-Za-z0-9.<>_*-]*|management\\.health\\.cloudrun-[A-Za-z0-9.-]*)");

	private static final Pattern ENVIRONMENT_VARIABLE = Pattern.compile("(?<![\\w])CLOUDRUN_AUTH_[A-Z0-9_]+");

	private static final Pattern PLACEHOLDER = Pattern.compile("<[^>]+>");

	private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");

	private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");

	private static final int README_MAX_LINES = 250;

	private static Path root;

	private static List<Property> properties;

	private static List<Group> groups;

	private static Map<Path, List<String>> markdown;

	@BeforeAll
	static void load() throws Exception {
		Path module = Path.of("").toAbsolutePath();
		root = repositoryRoot(module);
		String json = Files.readString(metadataOf(module), StandardCharsets.UTF_8);
		properties = new ArrayList<>();
		List<Map<String, Object>> entries = JsonPath.read(json, "$.properties");
		for (Map<String, Object> entry : entries) {
			properties.add(new Property((String) entry.get("name"), (String) entry.get("type"),
					(String) entry.get("sourceType"), entry.get("defaultValue"), entry.containsKey("deprecation")));
		}
		groups = new ArrayList<>();
		List<Map<String, Object>> groupEntries = JsonPath.read(json, "$.groups");
		for (Map<String, Object> entry : groupEntries) {
			groups.add(new Group((String) entry.get("name"), (String) entry.get("type"),
					entry.containsKey("sourceMethod")));
		}
		assertThat(properties).as("properties in %s", METADATA).isNotEmpty();
		markdown = new LinkedHashMap<>();
		List<Path> files = new ArrayList<>();
		files.add(root.resolve("README.md"));
		files.addAll(docs());
		files.add(root.resolve("benchmarks/README.md"));
		for (Path file : files) {
			markdown.put(file, Files.readAllLines(file, StandardCharsets.UTF_8));
		}
	}

	@Test
	void everyPropertyHasOneRowInTheDocsWithItsDefault() {
		Map<String, List<Row>> rows = new HashMap<>();
		for (Path file : docs()) {
			for (Row row : propertyRows(file, markdown.get(file))) {
				rows.computeIfAbsent(normalized(row.name()), (name) -> new ArrayList<>()).add(row);
			}
		}
		List<String> problems = new ArrayList<>();
		for (Property property : properties) {
			if (property.deprecated()) {
				continue;
			}
			List<String> documentedAs = documentedNames(property);
			for (String name : documentedAs) {
				List<Row> found = rows.getOrDefault(name, List.of());
				if (found.isEmpty()) {
					problems.add(name + ": no row in a property table of docs/");
					continue;
				}
				if (found.size() > 1) {
					problems.add(name + ": " + found.size() + " rows, document it in one place: " + found);
					continue;
				}
				Row row = found.get(0);
				if (!documentedAs.equals(List.of(property.name()))) {
					// a field of a map's values: the metadata knows no default
					requireNoneOrComputed(row, problems);
				}
				else if (property.defaultValue() == null) {
					requireNoneOrComputed(row, problems);
				}
				else {
					for (String value : defaultValues(property.defaultValue())) {
						if (!row.defaultCell().contains("`" + value + "`")) {
							problems.add(name + ": the Default column of " + row + " does not say `" + value
									+ "` (the metadata's default, spelled as there)");
						}
					}
				}
			}
		}
		assertThat(problems).as("Properties not documented as they are").isEmpty();
	}

	@Test
	void everyPropertyNameInTheMarkdownIsAProperty() {
		Set<String> valid = new TreeSet<>();
		Set<String> prefixes = new TreeSet<>();
		for (Property property : properties) {
			for (String name : documentedNames(property)) {
				valid.add(name);
				String[] segments = name.split("\\.");
				for (int i = 1; i < segments.length; i++) {
					prefixes.add(String.join(".", List.of(segments).subList(0, i)));
				}
			}
			valid.add(property.name());
		}
		Set<String> meters = meters();
		Set<String> canonical = new TreeSet<>();
		Set<String> canonicalMaps = new TreeSet<>();
		for (Property property : properties) {
			canonical.add(canonical(property.name()));
			if (mapValueType(property) != null) {
				canonicalMaps.add(canonical(property.name()));
			}
		}
		List<String> problems = new ArrayList<>();
		forEachLine((file, number, line) -> {
			Matcher names = PROPERTY_NAME.matcher(line);
			while (names.find()) {
				String name = names.group(1).replaceAll("[.\\-_*]+$", "");
				String normalized = normalized(name);
				if (!valid.contains(normalized) && !prefixes.contains(normalized) && !meters.contains(name)) {
					problems.add(where(file, number) + ": " + name);
				}
			}
			Matcher variables = ENVIRONMENT_VARIABLE.matcher(line);
			while (variables.find()) {
				String name = canonical(variables.group());
				if (!canonical.contains(name) && canonicalMaps.stream().noneMatch(name::startsWith)) {
					problems.add(where(file, number) + ": " + variables.group() + " (no such property)");
				}
			}
		});
		assertThat(problems).as("Names in the Markdown that are no property (nor prefix, map pattern or meter)")
			.isEmpty();
	}

	@Test
	void metersOfTheDocsAreNamedInTheCode() throws IOException {
		String sources;
		try (Stream<Path> files = Files.walk(Path.of("").toAbsolutePath().resolve("src/main/java"))) {
			StringBuilder all = new StringBuilder();
			for (Path file : files.filter((path) -> path.toString().endsWith(".java")).toList()) {
				all.append(Files.readString(file, StandardCharsets.UTF_8));
			}
			sources = all.toString();
		}
		List<String> problems = new ArrayList<>();
		for (String meter : meters()) {
			if (!sources.contains("\"" + meter + "\"")) {
				problems.add(meter);
			}
		}
		assertThat(meters()).as("meters in the Meter tables of docs/").isNotEmpty();
		assertThat(problems).as("Meters of the docs whose name is no string literal in src/main/java").isEmpty();
	}

	@Test
	void defaultsInTheMetadataAreTheCodes() {
		List<String> problems = new ArrayList<>();
		for (Property property : properties) {
			if (property.defaultValue() == null || property.sourceType() == null) {
				continue;
			}
			Group group = rootGroupOf(property);
			if (group == null) {
				problems.add(property.name() + ": no root group in the metadata");
				continue;
			}
			try {
				Class<?> groupType = Class.forName(group.type());
				Object value = groupType.isRecord() ? new Binder().bindOrCreate(group.name(), groupType)
						: BeanUtils.instantiateClass(groupType);
				TypeDescriptor type = null;
				for (String segment : camelCase(property.name().substring(group.name().length() + 1)).split("\\.")) {
					if (value.getClass().isRecord()) {
						Method accessor = value.getClass().getMethod(segment);
						type = new TypeDescriptor(MethodParameter.forExecutable(accessor, -1));
						value = accessor.invoke(value);
					}
					else {
						BeanWrapper bean = new BeanWrapperImpl(value);
						type = bean.getPropertyTypeDescriptor(segment);
						value = bean.getPropertyValue(segment);
					}
				}
				Object expected = ApplicationConversionService.getSharedInstance()
					.convert(property.defaultValue(), TypeDescriptor.forObject(property.defaultValue()), type);
				Object actual = value;
				if (!expected.equals(actual)) {
					problems.add(property.name() + ": metadata " + defaultValues(property.defaultValue()) + ", code "
							+ actual);
				}
			}
			catch (ReflectiveOperationException | RuntimeException ex) {
				problems.add(property.name() + ": " + ex);
			}
		}
		assertThat(problems).as("Defaults in the metadata that the code does not have").isEmpty();
	}

	@Test
	void relativeLinksResolve() {
		List<String> problems = new ArrayList<>();
		Map<Path, Set<String>> anchors = new HashMap<>();
		forEachLine((file, number, line) -> {
			Matcher links = LINK.matcher(line);
			while (links.find()) {
				String target = links.group(1);
				if (target.matches("^[a-z][a-z0-9+.-]*:.*")) {
					continue;
				}
				int hash = target.indexOf('#');
				String path = (hash < 0) ? target : target.substring(0, hash);
				String fragment = (hash < 0) ? null : target.substring(hash + 1);
				Path resolved = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
				if (!resolved.startsWith(root) || !Files.exists(resolved)) {
					problems.add(where(file, number) + ": " + target + " (no such file)");
					continue;
				}
				if (fragment != null && resolved.toString().endsWith(".md")
						&& !anchors.computeIfAbsent(resolved, PropertiesDocumentationTests::anchorsOf)
							.contains(fragment)) {
					problems.add(where(file, number) + ": " + target + " (no such heading)");
				}
			}
		});
		assertThat(problems).as("Links that do not resolve").isEmpty();
	}

	@Test
	void readmeIsShortStartsWithTheDemoAndTheTestsAndLinksEveryDocument() {
		List<String> readme = markdown.get(root.resolve("README.md"));
		assertThat(readme).as("README.md lines").hasSizeLessThanOrEqualTo(README_MAX_LINES);
		int fence = readme.indexOf("```bash");
		assertThat(fence).as("a bash code block in README.md").isNotNegative();
		List<String> commands = readme.subList(fence + 1, readme.size())
			.stream()
			.takeWhile((line) -> !line.startsWith("```"))
			.map((line) -> line.replaceAll("\\s*#.*$", "").trim())
			.filter((line) -> !line.isEmpty())
			.toList();
		assertThat(commands).as("the first commands of README.md").startsWith("./demo", "./mvnw -B verify");
		assertThat(String.join("\n", readme.subList(0, fence))).as("README.md before its first commands")
			.doesNotContain("```");
		String text = String.join("\n", readme);
		List<String> unlinked = new ArrayList<>();
		for (Path doc : docs()) {
			if (!text.contains("](docs/" + doc.getFileName() + ")")) {
				unlinked.add("docs/" + doc.getFileName());
			}
		}
		assertThat(unlinked).as("documents of docs/ that README.md does not link").isEmpty();
	}

	private static Path repositoryRoot(Path module) {
		for (Path dir = module; dir != null; dir = dir.getParent()) {
			if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("docs"))) {
				return dir;
			}
		}
		throw new AssertionError("No repository root (with mvnw and docs/) above " + module);
	}

	/**
	 * This module's generated metadata, from the test class path: other jars there have
	 * their own.
	 */
	private static Path metadataOf(Path module) throws IOException, URISyntaxException {
		Path expected = module.resolve("target/classes").resolve(METADATA).normalize();
		List<URL> all = Collections.list(PropertiesDocumentationTests.class.getClassLoader().getResources(METADATA));
		for (URL url : all) {
			if ("file".equals(url.getProtocol()) && Path.of(url.toURI()).normalize().equals(expected)) {
				return expected;
			}
		}
		throw new AssertionError("No " + expected + " on the test class path (run the build, which generates it with "
				+ "spring-boot-configuration-processor), only " + all);
	}

	private static List<Path> docs() {
		try (Stream<Path> files = Files.list(root.resolve("docs"))) {
			return files.filter((file) -> file.toString().endsWith(".md")).sorted().toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The names under which a property is documented: its own, or for a map of objects,
	 * each field (or record component) of its values under a placeholder key
	 * ({@code cloudrun.auth.calling.targets.<*>.url}).
	 */
	private static List<String> documentedNames(Property property) {
		Class<?> valueType = mapValueType(property);
		if (valueType == null) {
			return List.of(property.name());
		}
		if (valueType.getName().startsWith("java.") || valueType.isEnum()) {
			return List.of(property.name() + ".<*>");
		}
		List<String> names = new ArrayList<>();
		if (valueType.isRecord()) {
			for (RecordComponent component : valueType.getRecordComponents()) {
				names.add(property.name() + ".<*>." + kebabCase(component.getName()));
			}
			return names;
		}
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(valueType)) {
			if (descriptor.getWriteMethod() != null) {
				names.add(property.name() + ".<*>." + kebabCase(descriptor.getName()));
			}
		}
		return names;
	}

	private static Class<?> mapValueType(Property property) {
		String type = property.type();
		if (type == null || !type.startsWith("java.util.Map<")) {
			return null;
		}
		String arguments = type.substring("java.util.Map<".length(), type.length() - 1);
		String value = arguments.substring(arguments.indexOf(',') + 1).trim();
		if (value.contains("<")) {
			value = value.substring(0, value.indexOf('<'));
		}
		try {
			return Class.forName(value);
		}
		catch (ClassNotFoundException ex) {
			throw new AssertionError("Value type of " + property.name() + ": " + value, ex);
		}
	}

	private static Group rootGroupOf(Property property) {
		Group found = null;
		for (Group group : groups) {
			if (!group.nested() && property.name().startsWith(group.name() + ".")
					&& (found == null || group.name().length() > found.name().length())) {
				found = group;
			}
		}
		return found;
	}

	private static List<Row> propertyRows(Path file, List<String> lines) {
		List<Row> rows = new ArrayList<>();
		List<String> header = null;
		boolean code = false;
		for (int i = 0; i < lines.size(); i++) {
			String line = lines.get(i).trim();
			if (line.startsWith("```")) {
				code = !code;
			}
			if (code || !line.startsWith("|")) {
				header = null;
				continue;
			}
			List<String> cells = cells(line);
			if (header == null) {
				header = cells;
				continue;
			}
			int name = header.indexOf("Property");
			int defaults = header.indexOf("Default");
			if (name != 0 || defaults < 0 || cells.get(0).matches("-+")) {
				continue;
			}
			String cell = cells.get(name);
			if (cell.matches("`[^`]+`")) {
				rows.add(new Row(file, i + 1, cell.substring(1, cell.length() - 1),
						(defaults < cells.size()) ? cells.get(defaults) : ""));
			}
		}
		return rows;
	}

	private static List<String> cells(String line) {
		String inner = line.substring(1, line.endsWith("|") ? line.length() - 1 : line.length());
		List<String> cells = new ArrayList<>();
		for (String cell : inner.split("\\|", -1)) {
			cells.add(cell.trim());
		}
		return cells;
	}

	/**
	 * Meter names: the first column of every table of {@code docs/} whose first header is
	 * {@code Meter}.
	 */
	private static Set<String> meters() {
		Set<String> meters = new TreeSet<>();
		for (Path file : docs()) {
			List<String> header = null;
			for (String raw : markdown.get(file)) {
				String line = raw.trim();
				if (!line.startsWith("|")) {
					header = null;
					continue;
				}
				List<String> cells = cells(line);
				if (header == null) {
					header = cells;
				}
				else if ("Meter".equals(header.get(0)) && cells.get(0).matches("`[^`]+`")) {
					meters.add(cells.get(0).substring(1, cells.get(0).length() - 1));
				}
			}
		}
		return meters;
	}

	private static void requireNoneOrComputed(Row row, List<String> problems) {
		String cell = row.defaultCell().toLowerCase(Locale.ROOT);
		if (!cell.contains("none") && !cell.contains("computed")) {
			problems.add(row.name() + ": the metadata has no default, so the Default column of " + row
					+ " must say (none...) or (computed...), not '" + row.defaultCell() + "'");
		}
	}

	private static List<String> defaultValues(Object value) {
		if (value instanceof List<?> list) {
			return list.stream().map(String::valueOf).toList();
		}
		return List.of(String.valueOf(value));
	}

	private static Set<String> anchorsOf(Path file) {
		Set<String> anchors = new LinkedHashSet<>();
		Map<String, Integer> seen = new HashMap<>();
		boolean code = false;
		for (String line : markdown.computeIfAbsent(file, PropertiesDocumentationTests::read)) {
			if (line.trim().startsWith("```")) {
				code = !code;
			}
			Matcher heading = HEADING.matcher(line);
			if (code || !heading.matches()) {
				continue;
			}
			String slug = heading.group(1)
				.toLowerCase(Locale.ROOT)
				.replaceAll("[^\\p{L}\\p{N} _-]", "")
				.replace(' ', '-');
			int count = seen.merge(slug, 1, Integer::sum);
			anchors.add((count == 1) ? slug : slug + "-" + (count - 1));
		}
		return anchors;
	}

	private static List<String> read(Path file) {
		try {
			return Files.readAllLines(file, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void forEachLine(LineVisitor visitor) {
		for (Map.Entry<Path, List<String>> file : new ArrayList<>(markdown.entrySet())) {
			List<String> lines = file.getValue();
			for (int i = 0; i < lines.size(); i++) {
				visitor.visit(file.getKey(), i + 1, lines.get(i));
			}
		}
	}

	private static String where(Path file, int line) {
		return root.relativize(file) + ":" + line;
	}

	private static String normalized(String name) {
		return PLACEHOLDER.matcher(name).replaceAll("<*>");
	}

	private static String canonical(String name) {
		return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
	}

	private static String camelCase(String kebab) {
		StringBuilder camel = new StringBuilder();
		boolean upper = false;
		for (char c : kebab.toCharArray()) {
			if (c == '-') {
				upper = true;
			}
			else {
				camel.append(upper ? Character.toUpperCase(c) : c);
				upper = false;
			}
		}
		return camel.toString();
	}

	private static String kebabCase(String camel) {
		return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
	}

	private record Property(String name, String type, String sourceType, Object defaultValue, boolean deprecated) {
	}

	private record Group(String name, String type, boolean nested) {
	}

	private record Row(Path file, int line, String name, String defaultCell) {

		@Override
		public String toString() {
			return where(this.file, this.line);
		}

	}

	@FunctionalInterface
	private interface LineVisitor {

		void visit(Path file, int number, String line);

	}

}
