package dev.spindle.serde;

import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Explains a {@link java.io.NotSerializableException}: walks the object graph the way Java serialization
 * would (non-static, non-transient fields of serializable classes; array, collection and map elements; the
 * captured arguments of serializable lambdas) and reports the path from the root to the first object of
 * the offending class. Best effort and bounded: it never throws, and gives up on deep or huge graphs.
 */
final class SerializationPath {
    private static final int MAX_DEPTH = 40;
    private static final int MAX_VISITS = 20_000;

    /** Where the offending object sits, and what the innermost lambda on the way captured (or null). */
    record Culprit(String path, String lambdaCaptures) {
    }

    private final String culpritClass;
    private final Set<Object> visited = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<String> steps = new ArrayList<>();
    private String lambdaCaptures;

    private SerializationPath(String culpritClass) {
        this.culpritClass = culpritClass;
    }

    /**
     * The path from {@code root} to an object of class {@code culpritClass}, which serialization rejected;
     * with a null class name, to the first object that is not {@link Serializable}.
     */
    static Optional<Culprit> find(Object root, String culpritClass) {
        SerializationPath search = new SerializationPath(culpritClass);
        try {
            if (search.visit(root, 0)) {
                String path = search.steps.stream().map(step -> step + ")").collect(Collectors.joining(" -> "));
                return Optional.of(new Culprit(path, search.lambdaCaptures));
            }
        } catch (RuntimeException | StackOverflowError e) {
            // Best effort: a graph we cannot walk yields no path, the caller still names the class.
        }
        return Optional.empty();
    }

    /** "a com.foo.Bar", or "a lambda in com.foo.Job" for a lambda. */
    static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        Class<?> cls = value.getClass();
        return isLambda(cls) ? "a lambda in " + capturingClassOf(cls) : "a " + cls.getName();
    }

    static boolean isLambda(Class<?> cls) {
        return cls.isSynthetic() && cls.getName().contains("$$Lambda");
    }

    private static String capturingClassOf(Class<?> lambdaClass) {
        String name = lambdaClass.getName();
        return name.substring(0, name.indexOf("$$Lambda"));
    }

    /** The serialized form of a serializable lambda, or null. */
    static SerializedLambda serializedLambda(Object lambda) {
        try {
            Method writeReplace = lambda.getClass().getDeclaredMethod("writeReplace");
            writeReplace.setAccessible(true);
            return writeReplace.invoke(lambda) instanceof SerializedLambda s ? s : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private boolean isCulprit(Object value) {
        if (value instanceof Serializable) {
            return false;
        }
        return culpritClass == null || value.getClass().getName().equals(culpritClass);
    }

    /**
     * True when the culprit is {@code value} or below it; {@link #steps} then holds the way down, each step
     * as "how (what" with the closing parenthesis added by {@link #find}.
     */
    private boolean visit(Object value, int depth) {
        if (value == null || depth > MAX_DEPTH || visited.size() > MAX_VISITS || !visited.add(value)) {
            return false;
        }
        Class<?> cls = value.getClass();
        if (isCulprit(value)) {
            markCulprit(value);
            return true;
        }
        if (isLambda(cls)) {
            return visitLambda(value, depth);
        }
        if (cls.isArray()) {
            if (cls.getComponentType().isPrimitive()) {
                return false;
            }
            for (int i = 0, n = Array.getLength(value); i < n; i++) {
                Object element = Array.get(value, i);
                if (descend("element " + i + " of an array", element, depth)) {
                    return true;
                }
            }
            return false;
        }
        if (value instanceof Collection<?> collection) {
            for (Object element : collection) {
                if (descend("element of " + cls.getName(), element, depth)) {
                    return true;
                }
            }
            return false;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (descend("key of " + cls.getName(), entry.getKey(), depth)
                        || descend("value of " + cls.getName(), entry.getValue(), depth)) {
                    return true;
                }
            }
            return false;
        }
        return !isPlatformClass(cls) && visitFields(value, cls, depth);
    }

    private boolean visitLambda(Object lambda, int depth) {
        SerializedLambda serialized = serializedLambda(lambda);
        if (serialized == null) {
            return false;
        }
        String capturing = serialized.getCapturingClass().replace('/', '.');
        List<Object> captured = new ArrayList<>();
        for (int i = 0; i < serialized.getCapturedArgCount(); i++) {
            captured.add(serialized.getCapturedArg(i));
        }
        for (int i = 0; i < captured.size(); i++) {
            String step = "captured argument " + i + " of lambda in " + capturing;
            if (descend(step, captured.get(i), depth)) {
                if (lambdaCaptures == null) {
                    lambdaCaptures = "lambda in " + capturing + " (" + serialized.getImplMethodName()
                            + ") captures " + captured.stream()
                                    .map(c -> c == null ? "null" : c.getClass().getName())
                                    .collect(Collectors.joining(", ", "[", "]"));
                }
                return true;
            }
        }
        return false;
    }

    private boolean visitFields(Object value, Class<?> cls, int depth) {
        for (Class<?> c = cls; c != null && Serializable.class.isAssignableFrom(c); c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                int modifiers = field.getModifiers();
                if (Modifier.isStatic(modifiers) || Modifier.isTransient(modifiers) || field.getType().isPrimitive()) {
                    continue;
                }
                Object fieldValue;
                try {
                    field.setAccessible(true);
                    fieldValue = field.get(value);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    continue;
                }
                if (descend("field " + c.getSimpleName() + "." + field.getName(), fieldValue, depth)) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean descend(String step, Object child, int depth) {
        if (child == null) {
            return false;
        }
        steps.add(step + " (" + describe(child));
        if (visit(child, depth + 1)) {
            return true;
        }
        steps.remove(steps.size() - 1);
        return false;
    }

    /** Marks the step that reached the culprit; the root itself gets a step of its own. */
    private void markCulprit(Object value) {
        if (steps.isEmpty()) {
            steps.add("the object itself (" + describe(value));
        }
        steps.set(steps.size() - 1, steps.get(steps.size() - 1) + ", which is not java.io.Serializable");
    }

    private static boolean isPlatformClass(Class<?> cls) {
        String name = cls.getName();
        return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
                || name.startsWith("sun.") || name.startsWith("com.sun.");
    }
}
