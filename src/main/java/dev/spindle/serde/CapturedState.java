package dev.spindle.serde;

import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URL;
import java.security.CodeSource;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Decides whether the state a stage's task code captures is immutable, so that one deserialized copy can serve
 * successive tasks without one task seeing what another left behind. Walks the object graph the way Java
 * serialization would; the state is immutable when every object a user's closure reaches is one of:
 * <ul>
 *   <li>a boxed primitive, {@code String}, {@code BigInteger}/{@code BigDecimal}, {@code UUID}, an enum constant,
 *       a {@code java.time} value or a {@code Class};</li>
 *   <li>a record, a lambda or an object of a user class whose instance fields are all final, holding only such
 *       values (a stateless function object qualifies);</li>
 *   <li>an unmodifiable JDK collection ({@code List.of}, {@code Collections.unmodifiableList} …) of such values;</li>
 *   <li>an object of Spindle's own code (lineage nodes, broadcast and accumulator handles, Spindle's internal
 *       lambdas), whose fields are walked with the same rules for whatever user object they hold.</li>
 * </ul>
 * Anything else — an array, a mutable collection, a non-final field, a library object — is state a task may
 * change, and the stage's tasks each get their own copy, as in Spark. A graph too large to walk counts as mutable.
 */
public final class CapturedState {
    private static final int MAX_VISITS = 200_000;
    private static final URL SPINDLE_CODE = codeLocation(CapturedState.class);
    private static final String USER_PACKAGE = "dev.spindle.examples.";
    private static final Set<Class<?>> VALUES = Set.of(String.class, Boolean.class, Character.class, Byte.class,
            Short.class, Integer.class, Long.class, Float.class, Double.class, BigInteger.class, BigDecimal.class,
            UUID.class, Class.class);

    /** An object still to look at, and whether Spindle's own code holds it directly (its containers are ours). */
    private record Pending(Object value, boolean heldBySpindle) {
    }

    private final Set<Object> visited = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Deque<Pending> pending = new ArrayDeque<>();

    private CapturedState() {
    }

    /** True when nothing reachable from {@code root} is state one task could change for the next. */
    public static boolean isImmutable(Object root) {
        try {
            return new CapturedState().walk(root);
        } catch (RuntimeException | StackOverflowError e) {
            return false; // a graph we cannot walk is treated as mutable: tasks get their own copies
        }
    }

    private boolean walk(Object root) {
        pending.push(new Pending(root, false));
        while (!pending.isEmpty()) {
            Pending next = pending.pop();
            Object value = next.value();
            if (value == null || !visited.add(value)) {
                continue;
            }
            if (visited.size() > MAX_VISITS || !accept(value, next.heldBySpindle())) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code value} itself is acceptable; queues what it holds. */
    private boolean accept(Object value, boolean heldBySpindle) {
        Class<?> cls = value.getClass();
        if (VALUES.contains(cls) || value instanceof Enum<?> || isTimeValue(cls)) {
            return true;
        }
        if (SerializationPath.isLambda(cls)) {
            return acceptLambda(value, isSpindleCode(cls));
        }
        if (cls.isArray()) {
            if (!heldBySpindle) {
                return false;
            }
            if (!cls.getComponentType().isPrimitive()) {
                for (int i = 0, n = Array.getLength(value); i < n; i++) {
                    pending.push(new Pending(Array.get(value, i), true));
                }
            }
            return true;
        }
        if (value instanceof Collection<?> || value instanceof Map<?, ?>) {
            if (!heldBySpindle && !isUnmodifiable(cls)) {
                return false;
            }
            Iterable<?> elements = value instanceof Map<?, ?> map ? map.entrySet() : (Collection<?>) value;
            for (Object element : elements) {
                if (element instanceof Map.Entry<?, ?> entry) {
                    pending.push(new Pending(entry.getKey(), heldBySpindle));
                    pending.push(new Pending(entry.getValue(), heldBySpindle));
                } else {
                    pending.push(new Pending(element, heldBySpindle));
                }
            }
            return true;
        }
        if (isSpindleCode(cls)) {
            return queueFields(value, cls, true);
        }
        if (isPlatform(cls)) {
            return heldBySpindle; // Spindle's own use of a JDK object; a user's is state we cannot judge
        }
        return queueFields(value, cls, false);
    }

    private boolean acceptLambda(Object lambda, boolean spindleCode) {
        SerializedLambda serialized = SerializationPath.serializedLambda(lambda);
        if (serialized == null) {
            return false;
        }
        for (int i = 0; i < serialized.getCapturedArgCount(); i++) {
            pending.push(new Pending(serialized.getCapturedArg(i), spindleCode));
        }
        return true;
    }

    /**
     * Queues the instance fields of {@code value}. Spindle's classes: the fields serialization writes. A user's
     * class: every instance field, each of which must be final (a transient or lazily set field is state too).
     */
    private boolean queueFields(Object value, Class<?> cls, boolean spindleCode) {
        for (Class<?> c = cls; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                int modifiers = field.getModifiers();
                if (Modifier.isStatic(modifiers)) {
                    continue;
                }
                if (spindleCode) {
                    if (Modifier.isTransient(modifiers) || !Serializable.class.isAssignableFrom(c)) {
                        continue;
                    }
                } else if (!Modifier.isFinal(modifiers)) {
                    return false;
                }
                if (field.getType().isPrimitive()) {
                    continue;
                }
                try {
                    field.setAccessible(true);
                    pending.push(new Pending(field.get(value), spindleCode));
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean isTimeValue(Class<?> cls) {
        return cls.getPackageName().equals("java.time");
    }

    /** List.of, Set.of, Map.of, Collections.unmodifiable*, empty* and singleton* collections. */
    private static boolean isUnmodifiable(Class<?> cls) {
        String name = cls.getName();
        return name.startsWith("java.util.ImmutableCollections$") || name.startsWith("java.util.Collections$Unmodifiable")
                || name.startsWith("java.util.Collections$Empty") || name.startsWith("java.util.Collections$Singleton");
    }

    private static boolean isPlatform(Class<?> cls) {
        String name = cls.getName();
        return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
                || name.startsWith("sun.") || name.startsWith("com.sun.");
    }

    /** Spindle's own classes (and their lambdas); the bundled examples are user programs. */
    static boolean isSpindleCode(Class<?> cls) {
        return SPINDLE_CODE != null && !cls.getName().startsWith(USER_PACKAGE)
                && SPINDLE_CODE.equals(codeLocation(cls));
    }

    private static URL codeLocation(Class<?> cls) {
        var domain = cls.getProtectionDomain();
        CodeSource source = domain == null ? null : domain.getCodeSource();
        return source == null ? null : source.getLocation();
    }
}
