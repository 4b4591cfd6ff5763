package dev.spindle.shuffle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.common.Pair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CombineTableTest {
    private static final TestMerger SUM = TestMerger.SUM;

    /** A key whose hash collides with every other key of the same bucket: exercises probing. */
    private record Colliding(int id) {
        @Override
        public int hashCode() {
            return id % 3;
        }
    }

    @Test
    void combinesEqualKeysAcrossGrowthAndCollisions() {
        CombineTable table = new CombineTable();
        Map<Object, Integer> expected = new HashMap<>();
        for (int i = 0; i < 50_000; i++) {
            Object key = i % 7 == 0 ? new Colliding(i % 300) : "k" + (i % 9_000);
            assertThat(table.update(partition(0), key, 1, SUM)).isEqualTo(!expected.containsKey(key));
            expected.merge(key, 1, Integer::sum);
        }
        assertThat(table.size()).isEqualTo(expected.size());
        Map<Object, Object> actual = new HashMap<>();
        table.grouped(1).partition(0).forEachRemaining(p -> actual.put(p.key(), p.value()));
        assertThat(actual).isEqualTo(new HashMap<>(expected));
    }

    /** A key the byte table does not hold: the entries live in the object slots. */
    private record Id(int value) {
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void keysSpreadOverManyChunksAreAllKeptAndGrouped(boolean asBytes) {
        CombineTable table = new CombineTable();
        int keys = 100_000; // 262,144 slots: 16 chunks of the object table, many pages of the byte table
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < keys; i++) {
                table.update(partition(i % 3), asBytes ? (Object) i : new Id(i), round + 1, SUM);
            }
        }
        assertThat(table.inBytes()).isEqualTo(asBytes);
        assertThat(table.size()).isEqualTo(keys);
        CombineTable.Grouped grouped = table.grouped(3);
        boolean[] seen = new boolean[keys];
        for (int p = 0; p < 3; p++) {
            Iterator<Pair<Object, Object>> it = grouped.partition(p);
            while (it.hasNext()) {
                Pair<Object, Object> entry = it.next();
                int key = entry.key() instanceof Id id ? id.value() : (Integer) entry.key();
                assertThat(key % 3).isEqualTo(p);
                assertThat(entry.value()).isEqualTo(6);
                assertThat(seen[key]).isFalse();
                seen[key] = true;
            }
        }
        for (boolean s : seen) {
            assertThat(s).isTrue();
        }
    }

    @Test
    void numericCombinersKeepTheirTypeAndValue() {
        TestMerger keepLatest = TestMerger.of((combiner, value) -> value);
        CombineTable table = new CombineTable();
        Object[] values = {Integer.MIN_VALUE, -1, Long.MAX_VALUE, Long.MIN_VALUE, Double.NaN, -0.0, 1e300, "text",
            List.of(1), null, 7};
        for (int i = 0; i < values.length; i++) {
            table.update(partition(0), "k" + i, values[i], keepLatest);
        }
        table.update(partition(0), "k0", 5L, keepLatest); // an Integer combiner becomes a Long
        table.update(partition(0), "k7", 2.5, keepLatest); // an object combiner becomes a Double
        table.update(partition(0), "k4", "back to text", keepLatest);
        Map<Object, Object> actual = new HashMap<>();
        table.grouped(1).partition(0).forEachRemaining(p -> actual.put(p.key(), p.value()));
        assertThat(actual).containsEntry("k0", 5L).containsEntry("k1", -1).containsEntry("k2", Long.MAX_VALUE)
                .containsEntry("k3", Long.MIN_VALUE).containsEntry("k4", "back to text").containsEntry("k6", 1e300)
                .containsEntry("k7", 2.5).containsEntry("k8", List.of(1)).containsEntry("k9", null)
                .containsEntry("k10", 7);
        assertThat(actual.get("k5")).isInstanceOf(Double.class);
        assertThat(Double.doubleToRawLongBits((Double) actual.get("k5")))
                .isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(actual.get("k1")).isInstanceOf(Integer.class);
    }

    @Test
    void aNullKeyIsAKeyLikeAnyOther() {
        CombineTable table = new CombineTable();
        table.update(partition(1), null, 2, SUM);
        table.update(partition(1), null, 3, SUM);
        table.update(partition(1), "x", 4, SUM);
        List<Pair<Object, Object>> entries = new ArrayList<>();
        table.grouped(2).partition(1).forEachRemaining(entries::add);
        assertThat(entries).containsExactlyInAnyOrder(Pair.of(null, 5), Pair.of("x", 4));
        assertThat(table.grouped(2).partition(0).hasNext()).isFalse();
    }

    @Test
    void groupsByPartitionInAscendingHashOrder() {
        CombineTable table = new CombineTable();
        for (int i = -500; i < 500; i++) {
            table.update(partition(Math.floorMod(i, 4)), i * 7919, 1, SUM);
        }
        CombineTable.Grouped grouped = table.grouped(4);
        int total = 0;
        for (int p = 0; p < 4; p++) {
            int previous = Integer.MIN_VALUE;
            Iterator<Pair<Object, Object>> it = grouped.partition(p);
            while (it.hasNext()) {
                int key = (Integer) it.next().key();
                assertThat(Math.floorMod(key / 7919, 4)).isEqualTo(p);
                assertThat(Integer.hashCode(key)).isGreaterThanOrEqualTo(previous);
                previous = Integer.hashCode(key);
                total++;
            }
        }
        assertThat(total).isEqualTo(1000);
    }

    @Test
    void aThrowingCombinerLeavesTheKeyOut() {
        CombineTable table = new CombineTable();
        CombineTable.Merger failing = new CombineTable.Merger() {
            @Override
            public Object first(Object value) {
                throw new IllegalStateException("bad value " + value);
            }

            @Override
            public Object merge(Object combiner, Object value) {
                return combiner;
            }
        };
        assertThatThrownBy(() -> table.update(partition(0), "k", 1, failing)).hasMessage("bad value 1");
        assertThat(table.size()).isZero();
        assertThat(table.grouped(1).partition(0).hasNext()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void asksForTheReducePartitionOncePerKeyAndNotAtAllWhenItFails(boolean asBytes) {
        CombineTable table = new CombineTable();
        List<Object> asked = new ArrayList<>();
        ToIntFunction<Object> partitionOf = key -> {
            asked.add(key);
            return Math.floorMod(key.hashCode(), 3);
        };
        for (int round = 0; round < 4; round++) {
            for (int i = 0; i < 1_000; i++) {
                table.update(partitionOf, asBytes ? "w" + i : new Id(i), 1, SUM);
            }
        }
        assertThat(table.inBytes()).isEqualTo(asBytes);
        assertThat(asked).hasSize(1_000).doesNotHaveDuplicates();
        Object failingKey = asBytes ? "new" : new Id(-1);
        assertThatThrownBy(() -> table.update(key -> {
            throw new IllegalArgumentException("no partition for " + key);
        }, failingKey, 1, SUM)).hasMessageStartingWith("no partition for");
        assertThat(table.size()).as("nothing added").isEqualTo(1_000);
        int total = 0;
        for (int p = 0; p < 3; p++) {
            Iterator<Pair<Object, Object>> it = table.grouped(3).partition(p);
            while (it.hasNext()) {
                Pair<Object, Object> entry = it.next();
                assertThat(Math.floorMod(entry.key().hashCode(), 3)).isEqualTo(p);
                assertThat(entry.value()).isEqualTo(4);
                total++;
            }
        }
        assertThat(total).isEqualTo(1_000);
    }

    /** A partition function that puts every new key in {@code partition}. */
    private static ToIntFunction<Object> partition(int partition) {
        return key -> partition;
    }
}
