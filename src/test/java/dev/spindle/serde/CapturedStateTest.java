package dev.spindle.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.function.Function;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Which captured object graphs count as immutable, so that tasks may share one copy of the code. */
class CapturedStateTest {
    enum Mode { FAST }

    record Point(int x, String label) implements Serializable {
    }

    record Bag(List<String> items) implements Serializable {
    }

    /** A stateless function object: no fields at all. */
    static final class Upper implements Function<String, String> {
        @Override
        public String call(String value) {
            return value.toUpperCase();
        }
    }

    /** Final fields of immutable values. */
    static final class Scale implements Function<Integer, Integer> {
        private final int factor;
        private final String name;

        Scale(int factor, String name) {
            this.factor = factor;
            this.name = name;
        }

        @Override
        public Integer call(Integer value) {
            return value * factor + name.length();
        }
    }

    /** Lazily set state in a transient field: shared by reuse, so not immutable. */
    static final class Lazy implements Function<Integer, Integer> {
        private transient Map<Integer, Integer> memo;

        @Override
        public Integer call(Integer value) {
            if (memo == null) {
                memo = new HashMap<>();
            }
            return memo.computeIfAbsent(value, v -> v * 2);
        }
    }

    @Test
    void lambdasOfImmutableValuesAreImmutable() {
        String prefix = "p";
        int offset = 3;
        Point point = new Point(1, "a");
        Mode mode = Mode.FAST;
        BigDecimal rate = BigDecimal.ONE;
        Duration window = Duration.ofSeconds(1);
        Function<Integer, String> f = x -> prefix + (x + offset) + point + mode + rate + window;
        Function<Integer, String> g = x -> f.call(x) + List.of("a", "b") + Collections.unmodifiableMap(Map.of(1, 2));
        assertThat(CapturedState.isImmutable(f)).isTrue();
        assertThat(CapturedState.isImmutable(g)).isTrue();
        assertThat(CapturedState.isImmutable(new Upper())).isTrue();
        assertThat(CapturedState.isImmutable(new Scale(2, "s"))).isTrue();
        assertThat(CapturedState.isImmutable((Function<Integer, Integer>) x -> x)).isTrue();
    }

    @Test
    void capturedMutableStateIsNot() {
        List<Integer> list = new ArrayList<>();
        int[] counter = {0};
        AtomicLong atomic = new AtomicLong();
        Function<Integer, Integer> appends = x -> {
            list.add(x);
            return list.size();
        };
        Function<Integer, Integer> counts = x -> counter[0]++;
        Function<Integer, Long> atomics = x -> atomic.incrementAndGet();
        Bag bag = new Bag(new ArrayList<>(List.of("a")));
        Function<Integer, Integer> viaRecord = x -> bag.items().size();
        Function<Integer, Integer> viaLambda = x -> appends.call(x) + 1;
        assertThat(CapturedState.isImmutable(appends)).as("captured ArrayList").isFalse();
        assertThat(CapturedState.isImmutable(counts)).as("captured array").isFalse();
        assertThat(CapturedState.isImmutable(atomics)).as("captured AtomicLong").isFalse();
        assertThat(CapturedState.isImmutable(viaRecord)).as("record holding an ArrayList").isFalse();
        assertThat(CapturedState.isImmutable(viaLambda)).as("lambda capturing a mutable lambda").isFalse();
        assertThat(CapturedState.isImmutable(new Lazy())).as("non-final transient field").isFalse();
        assertThat(CapturedState.isImmutable(List.of(new Upper(), new Lazy()))).isFalse();
    }

    @Test
    void aCapturedEnclosingInstanceWithStateIsMutable() {
        assertThat(CapturedState.isImmutable(new Holder().function())).isFalse();
    }

    /** A user's class with a mutable field, captured as {@code this} by its lambda. */
    static final class Holder implements Serializable {
        private int calls;

        Function<Integer, Integer> function() {
            return x -> x + calls++;
        }
    }
}
