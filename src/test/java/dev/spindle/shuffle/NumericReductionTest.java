package dev.spindle.shuffle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.common.Pair;
import dev.spindle.function.Function2;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class NumericReductionTest {
    private static final List<Integer> INTS = List.of(Integer.MIN_VALUE, -7, -1, 0, 1, 3, Integer.MAX_VALUE);
    private static final List<Long> LONGS = List.of(Long.MIN_VALUE, -7L, 0L, 1L, 1L << 40, Long.MAX_VALUE);
    private static final List<Double> DOUBLES = List.of(Double.NEGATIVE_INFINITY, -1.5, -0.0, 0.0, 2.25,
            Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NaN);

    @Test
    void recognisesTheJdkMethodReferencesOnBoxedNumbers() {
        Function2<Integer, Integer, Integer> mathMaxInt = Math::max;
        Function2<Long, Long, Long> mathMinLong = Math::min;
        Function2<Double, Double, Double> mathMaxDouble = Math::max;
        Map<Function2<?, ?, ?>, NumericReduction> expected = new HashMap<>();
        expected.put((Function2<Integer, Integer, Integer>) Integer::sum, NumericReduction.INT_SUM);
        expected.put((Function2<Integer, Integer, Integer>) Integer::max, NumericReduction.INT_MAX);
        expected.put((Function2<Integer, Integer, Integer>) Integer::min, NumericReduction.INT_MIN);
        expected.put(mathMaxInt, NumericReduction.INT_MAX);
        expected.put((Function2<Long, Long, Long>) Long::sum, NumericReduction.LONG_SUM);
        expected.put((Function2<Long, Long, Long>) Long::max, NumericReduction.LONG_MAX);
        expected.put(mathMinLong, NumericReduction.LONG_MIN);
        expected.put((Function2<Double, Double, Double>) Double::sum, NumericReduction.DOUBLE_SUM);
        expected.put((Function2<Double, Double, Double>) Double::min, NumericReduction.DOUBLE_MIN);
        expected.put(mathMaxDouble, NumericReduction.DOUBLE_MAX);
        expected.forEach((function, reduction) -> assertThat(NumericReduction.of(function)).isEqualTo(reduction));
    }

    @Test
    void recognisesAFunctionShippedToAnExecutor() throws Exception {
        Function2<Double, Double, Double> sum = Double::sum;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(sum);
        }
        Object shipped;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            shipped = in.readObject();
        }
        assertThat(shipped).isNotSameAs(sum);
        assertThat(NumericReduction.of(shipped)).isEqualTo(NumericReduction.DOUBLE_SUM);
    }

    /** A Function2 that is no lambda but has a writeReplace: recognising must not call it. */
    private static final class Named implements Function2<Integer, Integer, Integer> {
        private static final long serialVersionUID = 1L;
        final AtomicInteger replaced = new AtomicInteger();

        @Override
        public Integer call(Integer a, Integer b) {
            return a + b;
        }

        Object writeReplace() {
            replaced.incrementAndGet();
            return this;
        }
    }

    @Test
    void leavesEverythingElseToTheUsersFunction() {
        int offset = 1;
        Function2<Integer, Integer, Integer> lambda = (a, b) -> a + b;
        Function2<Integer, Integer, Integer> capturing = (a, b) -> a + b + offset;
        Function2<Integer, Integer, Integer> exact = Math::addExact; // throws on overflow: not a plain sum
        Function2<Integer, Integer, Integer> compare = Integer::compare;
        Function2<Long, Integer, Long> widening = Long::sum; // combiner and value of different types
        Named named = new Named();
        for (Object function : List.of(lambda, capturing, exact, compare, named, "not a function")) {
            assertThat(NumericReduction.of(function)).as("%s", function).isNull();
        }
        assertThat(NumericReduction.of(widening)).isEqualTo(NumericReduction.LONG_SUM);
        assertThat(NumericReduction.LONG_SUM.accepts(7)).isFalse(); // so an Integer value takes the usual path
        assertThat(NumericReduction.of(null)).isNull();
        assertThat(named.replaced).hasValue(0);
    }

    @Test
    void computesWhatTheMethodsComputeOverflowNanAndSignedZeroIncluded() throws Exception {
        assertComputesAsItself(NumericCombiner.INT, INTS, List.of(Integer::sum, Integer::max, Integer::min));
        assertComputesAsItself(NumericCombiner.LONG, LONGS, List.of(Long::sum, Long::max, Long::min));
        assertComputesAsItself(NumericCombiner.DOUBLE, DOUBLES, List.of(Double::sum, Double::max, Double::min));
    }

    /** Each function's reduction, applied to the bits of every pair of operands, gives the bits of its result. */
    private static <T> void assertComputesAsItself(NumericCombiner kind, List<T> operands,
            List<Function2<T, T, T>> functions) throws Exception {
        for (Function2<T, T, T> f : functions) {
            NumericReduction reduction = NumericReduction.of(f);
            assertThat(reduction).isNotNull();
            for (T a : operands) {
                for (T b : operands) {
                    assertThat(reduction.apply(kind.bits(a), kind.bits(b))).as("%s(%s, %s)", reduction, a, b)
                            .isEqualTo(kind.bits(f.call(a, b)));
                }
            }
        }
    }

    /** Sums with the reduction, and fails the test if the table called merge instead. */
    private static final TestMerger RECOGNISED = new TestMerger(NumericReduction.INT_SUM, (combiner, value) -> {
        throw new AssertionError("merge called for " + combiner + " and " + value);
    });

    @Test
    void bothTablesApplyTheReductionWithoutCallingMerge() {
        CombineTable bytes = new CombineTable();
        CombineTable objects = new CombineTable();
        objects.update(key -> 0, List.of("a key the byte table can't hold"), 0, RECOGNISED);
        assertThat(objects.inBytes()).isFalse();
        for (CombineTable table : List.of(bytes, objects)) {
            for (int i = 0; i < 10_000; i++) {
                table.update(key -> 0, "k" + (i % 100), Integer.MAX_VALUE, RECOGNISED);
            }
            Map<Object, Object> sums = new HashMap<>();
            table.grouped(1).partition(0).forEachRemaining((Pair<Object, Object> p) -> sums.put(p.key(), p.value()));
            assertThat(sums).containsEntry("k7", 100 * Integer.MAX_VALUE); // wrapped, as Integer::sum wraps
        }
        assertThat(bytes.inBytes()).isTrue();
    }

    @Test
    void aValueOfAnotherTypeMergesThroughTheFunction() {
        TestMerger merger = new TestMerger(NumericReduction.INT_SUM,
                (combiner, value) -> (Integer) combiner + ((Number) value).intValue());
        CombineTable table = new CombineTable();
        table.update(key -> 0, "k", 1, merger);
        table.update(key -> 0, "k", 2L, merger); // a Long into an int sum: not the reduction's, so merge decides
        table.update(key -> 0, "k", 3, merger);
        Map<Object, Object> sums = new HashMap<>();
        table.grouped(1).partition(0).forEachRemaining(p -> sums.put(p.key(), p.value()));
        assertThat(sums).containsExactly(Map.entry("k", 6));
    }
}
