package dev.cloudrunauth.benchmarks.support;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.openjdk.jol.vm.VM;

/**
 * The heap an object graph occupies, walking instance fields like JOL's
 * {@code GraphLayout.parseInstance} but not through the given boundary objects, nor
 * through threads, class loaders, classes and thread groups. JOL's walker cannot be told
 * to stop: from a token cache it would follow a scheduled task's lambda to the cache, its
 * credentials, the HTTP transport, the emulator and every thread's context class loader,
 * and count half the heap. Shallow sizes are JOL's ({@code VM.current().sizeOf}). Checked
 * against {@code GraphLayout.parseInstance(...).totalSize()} on a graph that has no way
 * out (see MemoryFootprint).
 */
public final class RetainedSize {

	private static final Map<Class<?>, List<Field>> FIELDS = new ConcurrentHashMap<>();

	private final Set<Object> boundary = Collections.newSetFromMap(new IdentityHashMap<>());

	private final Map<String, long[]> byClass = new java.util.TreeMap<>();

	private long unreadableFields;

	public RetainedSize stopAt(Object... objects) {
		for (Object object : objects) {
			if (object != null) {
				this.boundary.add(object);
			}
		}
		return this;
	}

	/**
	 * Return the total shallow size of every object reachable from the root without
	 * passing a boundary.
	 * @param root the root
	 * @return bytes
	 */
	public long of(Object root) {
		this.byClass.clear();
		Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		Deque<Object> pending = new ArrayDeque<>();
		pending.add(root);
		long total = 0;
		while (!pending.isEmpty()) {
			Object object = pending.poll();
			if (object == null || this.boundary.contains(object) || !seen.add(object) || stop(object)) {
				continue;
			}
			long size = VM.current().sizeOf(object);
			total += size;
			long[] entry = this.byClass.computeIfAbsent(object.getClass().getName(), (name) -> new long[2]);
			entry[0]++;
			entry[1] += size;
			Class<?> type = object.getClass();
			if (type.isArray()) {
				if (!type.getComponentType().isPrimitive()) {
					int length = Array.getLength(object);
					for (int i = 0; i < length; i++) {
						Object element = Array.get(object, i);
						if (element != null) {
							pending.add(element);
						}
					}
				}
				continue;
			}
			for (Field field : referenceFields(type)) {
				Object value = read(field, object);
				if (value != null) {
					pending.add(value);
				}
			}
		}
		return total;
	}

	/**
	 * Return the classes that took the most space in the last walk.
	 * @param limit how many
	 * @return e.g. {@code java.lang.String: 1000 objects, 24000 bytes}
	 */
	public List<String> largest(int limit) {
		List<Map.Entry<String, long[]>> entries = new ArrayList<>(this.byClass.entrySet());
		entries.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
		List<String> result = new ArrayList<>();
		for (Map.Entry<String, long[]> entry : entries.subList(0, Math.min(limit, entries.size()))) {
			result.add(entry.getKey() + ": " + entry.getValue()[0] + " objects, " + entry.getValue()[1] + " bytes");
		}
		return result;
	}

	public long unreadableFields() {
		return this.unreadableFields;
	}

	private static boolean stop(Object object) {
		return object instanceof Thread || object instanceof ClassLoader || object instanceof Class<?>
				|| object instanceof ThreadGroup || object instanceof java.lang.reflect.Member;
	}

	private Object read(Field field, Object object) {
		try {
			return field.get(object);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			try {
				return VM.current().getObject(object, VM.current().fieldOffset(field));
			}
			catch (RuntimeException again) {
				this.unreadableFields++;
				return null;
			}
		}
	}

	private static List<Field> referenceFields(Class<?> type) {
		return FIELDS.computeIfAbsent(type, (key) -> {
			List<Field> fields = new ArrayList<>();
			for (Class<?> c = key; c != null; c = c.getSuperclass()) {
				for (Field field : c.getDeclaredFields()) {
					if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
						continue;
					}
					try {
						field.setAccessible(true);
					}
					catch (RuntimeException ex) {
						// read through JOL's VM instead
					}
					fields.add(field);
				}
			}
			return fields;
		});
	}

}
