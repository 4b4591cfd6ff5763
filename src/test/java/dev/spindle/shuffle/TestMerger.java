package dev.spindle.shuffle;

import java.util.function.BinaryOperator;

/**
 * A merger for the combine-table tests: a value is its own first combiner, later values merge through
 * {@code merge}, and {@code reduction} (null for none) is what the tables may apply instead.
 */
record TestMerger(NumericReduction reduction, BinaryOperator<Object> merge) implements CombineTable.Merger {
    /** Sums Integer, Long or Double values through the merge function, never through a reduction. */
    static final TestMerger SUM = of((combiner, value) -> {
        if (combiner instanceof Integer a) {
            return a + (Integer) value;
        }
        if (combiner instanceof Long a) {
            return a + (Long) value;
        }
        return (Double) combiner + (Double) value;
    });

    /** Merges through {@code merge} alone. */
    static TestMerger of(BinaryOperator<Object> merge) {
        return new TestMerger(null, merge);
    }

    @Override
    public Object first(Object value) {
        return value;
    }

    @Override
    public Object merge(Object combiner, Object value) {
        return merge.apply(combiner, value);
    }
}
