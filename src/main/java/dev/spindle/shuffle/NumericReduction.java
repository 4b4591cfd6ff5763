package dev.spindle.shuffle;

import java.io.Serializable;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.util.Map;

/**
 * A merge function recognised as a JDK method reference on boxed numbers ({@code Integer::sum}, {@code Long::max},
 * {@code Math::min}, ...), which the combine tables apply to their unboxed combiners directly: no box for the old
 * combiner, no call through the user's lambda, no box for the result. For a word count's {@code reduceByKey
 * (Integer::sum)} that is most of a repeated key's update. The results are the method's own, overflow and NaN
 * included: a sum of ints wraps, {@code max} of doubles follows {@link Math#max(double, double)}.
 *
 * <p>Recognised are serializable, non-capturing references to the static {@code sum}, {@code max} and {@code min}
 * of {@code Integer}, {@code Long} and {@code Double} and the matching {@code Math.max}/{@code Math.min}, read from
 * the lambda's {@link SerializedLambda}. Anything else, a lambda such as {@code (a, b) -> a + b} included, merges
 * through the user's function as before.
 */
enum NumericReduction {
    INT_SUM(NumericCombiner.INT), INT_MAX(NumericCombiner.INT), INT_MIN(NumericCombiner.INT),
    LONG_SUM(NumericCombiner.LONG), LONG_MAX(NumericCombiner.LONG), LONG_MIN(NumericCombiner.LONG),
    DOUBLE_SUM(NumericCombiner.DOUBLE), DOUBLE_MAX(NumericCombiner.DOUBLE), DOUBLE_MIN(NumericCombiner.DOUBLE);

    /** Implementation class, method and descriptor of each recognised method, as a SerializedLambda names them. */
    private static final Map<String, NumericReduction> METHODS = Map.ofEntries(
            Map.entry("java/lang/Integer.sum(II)I", INT_SUM),
            Map.entry("java/lang/Integer.max(II)I", INT_MAX),
            Map.entry("java/lang/Integer.min(II)I", INT_MIN),
            Map.entry("java/lang/Math.max(II)I", INT_MAX),
            Map.entry("java/lang/Math.min(II)I", INT_MIN),
            Map.entry("java/lang/Long.sum(JJ)J", LONG_SUM),
            Map.entry("java/lang/Long.max(JJ)J", LONG_MAX),
            Map.entry("java/lang/Long.min(JJ)J", LONG_MIN),
            Map.entry("java/lang/Math.max(JJ)J", LONG_MAX),
            Map.entry("java/lang/Math.min(JJ)J", LONG_MIN),
            Map.entry("java/lang/Double.sum(DD)D", DOUBLE_SUM),
            Map.entry("java/lang/Double.max(DD)D", DOUBLE_MAX),
            Map.entry("java/lang/Double.min(DD)D", DOUBLE_MIN),
            Map.entry("java/lang/Math.max(DD)D", DOUBLE_MAX),
            Map.entry("java/lang/Math.min(DD)D", DOUBLE_MIN));

    /** The type of both operands and the result. */
    private final NumericCombiner operands;

    NumericReduction(NumericCombiner operands) {
        this.operands = operands;
    }

    /**
     * The reduction {@code function} computes, or null when it is not one of the recognised method references. Reads
     * the lambda's serialized form, a reflective call: once per table, not per record.
     */
    static NumericReduction of(Object function) {
        if (!(function instanceof Serializable) || !function.getClass().isHidden()
                || !function.getClass().isSynthetic()) {
            return null; // not a lambda: its own writeReplace, if any, is none of our business
        }
        SerializedLambda lambda;
        try {
            Method writeReplace = function.getClass().getDeclaredMethod("writeReplace");
            writeReplace.setAccessible(true);
            if (!(writeReplace.invoke(function) instanceof SerializedLambda serialized)) {
                return null;
            }
            lambda = serialized;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // e.g. a lambda in a module that does not open its package: merged the usual way
        }
        if (lambda.getImplMethodKind() != MethodHandleInfo.REF_invokeStatic || lambda.getCapturedArgCount() != 0) {
            return null;
        }
        return METHODS.get(lambda.getImplClass() + "." + lambda.getImplMethodName() + lambda.getImplMethodSignature());
    }

    /** True when {@code value} is of the boxed type both of this reduction's operands have. */
    boolean accepts(Object value) {
        return operands.holds(value);
    }

    /**
     * True when this reduction can merge {@code value} into a combiner held unboxed as {@code held}: both are of
     * this reduction's operand type. One test for both combine tables, so that they agree on when to apply it.
     */
    boolean appliesTo(NumericCombiner held, Object value) {
        return held == operands && accepts(value);
    }

    /** The reduction of two operands given as {@link NumericCombiner} bits of this reduction's type. */
    long apply(long a, long b) {
        return switch (this) {
            case INT_SUM -> (int) a + (int) b;
            case INT_MAX -> Math.max((int) a, (int) b);
            case INT_MIN -> Math.min((int) a, (int) b);
            case LONG_SUM -> a + b;
            case LONG_MAX -> Math.max(a, b);
            case LONG_MIN -> Math.min(a, b);
            case DOUBLE_SUM -> Double.doubleToRawLongBits(Double.longBitsToDouble(a) + Double.longBitsToDouble(b));
            case DOUBLE_MAX -> Double.doubleToRawLongBits(Math.max(Double.longBitsToDouble(a),
                    Double.longBitsToDouble(b)));
            case DOUBLE_MIN -> Double.doubleToRawLongBits(Math.min(Double.longBitsToDouble(a),
                    Double.longBitsToDouble(b)));
        };
    }
}
