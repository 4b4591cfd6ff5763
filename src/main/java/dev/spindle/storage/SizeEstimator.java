package dev.spindle.storage;

import dev.spindle.common.Pair;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Estimates the heap bytes of records, cheaply, so that buffers and caches know when to spill or evict.
 * Exact for nothing, close enough for common types (strings, boxed numbers, arrays, pairs, lists, small
 * user beans); deliberately errs high. Uses reflection on user classes only, never on {@code java.*}.
 */
public final class SizeEstimator {
    private static final int OBJECT_HEADER = 16;
    private static final int REFERENCE = 8;
    private static final int MAX_DEPTH = 3;
    private static final Map<Class<?>, List<Field>> FIELDS = new ConcurrentHashMap<>();

    private SizeEstimator() {
    }

    public static long estimate(Object value) {
        return estimate(value, 0);
    }

    private static long estimate(Object value, int depth) {
        if (value == null) {
            return 0;
        }
        if (value instanceof String s) {
            return 40 + align(s.length());
        }
        if (value instanceof Integer || value instanceof Float || value instanceof Short || value instanceof Byte
                || value instanceof Character || value instanceof Boolean) {
            return 16;
        }
        if (value instanceof Long || value instanceof Double) {
            return 24;
        }
        if (value instanceof byte[] b) {
            return OBJECT_HEADER + align(b.length);
        }
        if (value instanceof int[] a) {
            return OBJECT_HEADER + align(4L * a.length);
        }
        if (value instanceof long[] a) {
            return OBJECT_HEADER + 8L * a.length;
        }
        if (value instanceof double[] a) {
            return OBJECT_HEADER + 8L * a.length;
        }
        if (value instanceof Pair<?, ?> p) {
            return 24 + estimate(p.key(), depth + 1) + estimate(p.value(), depth + 1);
        }
        if (depth >= MAX_DEPTH) {
            return 64;
        }
        if (value instanceof Object[] array) {
            return OBJECT_HEADER + (long) REFERENCE * array.length + sampled(List.of(array), depth);
        }
        if (value instanceof Collection<?> c) {
            return 64 + (long) (REFERENCE + 16) * c.size() + sampled(c, depth);
        }
        if (value instanceof Map<?, ?> m) {
            return 64 + 48L * m.size() + sampled(m.keySet(), depth) + sampled(m.values(), depth);
        }
        if (value.getClass().getName().startsWith("java.")) {
            return 64;
        }
        long size = OBJECT_HEADER;
        for (Field f : fields(value.getClass())) {
            if (f.getType().isPrimitive()) {
                size += 8;
            } else {
                size += REFERENCE;
                try {
                    size += estimate(f.get(value), depth + 1);
                } catch (IllegalAccessException e) {
                    size += 64;
                }
            }
        }
        return align(size);
    }

    /** Estimates large collections from a sample of up to 32 elements. */
    private static long sampled(Collection<?> elements, int depth) {
        int n = elements.size();
        if (n == 0) {
            return 0;
        }
        int step = Math.max(1, n / 32);
        long total = 0;
        int seen = 0;
        int i = 0;
        for (Object e : elements) {
            if (i++ % step == 0) {
                total += estimate(e, depth + 1);
                seen++;
            }
        }
        return total * n / seen;
    }

    private static List<Field> fields(Class<?> type) {
        return FIELDS.computeIfAbsent(type, t -> {
            List<Field> result = new ArrayList<>();
            for (Class<?> c = t; c != null && c != Object.class; c = c.getSuperclass()) {
                if (c.getName().startsWith("java.")) {
                    break;
                }
                for (Field f : c.getDeclaredFields()) {
                    if (!Modifier.isStatic(f.getModifiers()) && f.trySetAccessible()) {
                        result.add(f);
                    }
                }
            }
            return List.copyOf(result);
        });
    }

    private static long align(long bytes) {
        return (bytes + 7) & ~7L;
    }
}
