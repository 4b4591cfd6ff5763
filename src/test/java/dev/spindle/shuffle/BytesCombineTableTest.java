package dev.spindle.shuffle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.common.Pair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BytesCombineTableTest {
    private static final TestMerger SUM = TestMerger.SUM;

    private static Map<Object, Object> contents(BytesCombineTable table, int partitions) {
        Map<Object, Object> contents = new HashMap<>();
        CombineTable.Grouped grouped = table.grouped(partitions);
        for (int p = 0; p < partitions; p++) {
            grouped.partition(p).forEachRemaining(e -> assertThat(contents.put(e.key(), e.value())).isNull());
        }
        return contents;
    }

    @Test
    void keysOfEveryEncodingAreDistinctAndComeBackEqual() {
        BytesCombineTable table = new BytesCombineTable();
        // Among them, unpaired surrogates (half an emoji cut by substring): Java strings may hold them.
        List<Object> keys = new ArrayList<>(List.of("1", 1, 1L, "", "\u00e9t\u00e9", "\u65e5\u672c", "a\u0000b",
                Integer.MIN_VALUE, Long.MAX_VALUE, "x".repeat(100_000), "\ud83d\ude00", "\ud83d", "a\ude00b"));
        keys.add(null);
        Map<Object, Object> expected = new HashMap<>();
        for (int round = 1; round <= 3; round++) {
            for (Object key : keys) {
                assertThat(table.update(partition(round), key, round, SUM))
                        .isEqualTo(round == 1 ? BytesCombineTable.NEW : BytesCombineTable.MERGED);
                expected.merge(key, round, (a, b) -> (Integer) a + (Integer) b);
            }
        }
        assertThat(table.size()).isEqualTo(keys.size());
        // Every key went in under partition 1 first; the partition is the first update's.
        Map<Object, Object> actual = new HashMap<>();
        table.grouped(4).partition(1).forEachRemaining(e -> actual.put(e.key(), e.value()));
        assertThat(actual).isEqualTo(expected);
        assertThat(actual.keySet()).anySatisfy(k -> assertThat(k).isInstanceOf(Long.class).isEqualTo(1L));
    }

    @Test
    void keysWithEqualHashesStayApart() {
        // Hash 256 four ways: a UTF-16 string and a Latin-1 string of the same encoded length (3 bytes), an int, a
        // long. A UTF-16 string and a Latin-1 one whose encoded characters are the same bytes (01 0e 9b 41), only
        // the encoding differs. Latin-1 strings of equal length that differ only in their characters.
        List<Object> keys = List.of("\u0100", "\b\b", 256, 256L, "\u010e\u9b41", "\u0001\u000e\u009bA", "Aa", "BB",
                "AaBB", "BBAa");
        assertThat("\u0100".hashCode()).isEqualTo("\b\b".hashCode()).isEqualTo(Integer.hashCode(256))
                .isEqualTo(Long.hashCode(256L));
        assertThat("\u010e\u9b41".hashCode()).isEqualTo("\u0001\u000e\u009bA".hashCode());
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        assertThat("AaBB".hashCode()).isEqualTo("BBAa".hashCode());
        BytesCombineTable table = new BytesCombineTable();
        Map<Object, Object> expected = new HashMap<>();
        for (int round = 1; round <= 2; round++) {
            for (int i = 0; i < keys.size(); i++) {
                Object key = keys.get(i);
                assertThat(table.update(partition(0), key, i + 1, SUM))
                        .as("round %d, key %s", round, key)
                        .isEqualTo(round == 1 ? BytesCombineTable.NEW : BytesCombineTable.MERGED);
                expected.merge(key, i + 1, (a, b) -> (Integer) a + (Integer) b);
            }
        }
        assertThat(contents(table, 1)).isEqualTo(expected);
    }

    @Test
    void keysAtTheInlineLimitsStayApart() {
        // Up to 15 Latin-1 characters live in the slot (7 in its first key long, 8 in the second), longer ones in the
        // pages: keys that differ only across those boundaries, or only in a character past 0x7F, or only in their
        // length (a trailing NUL), and ints and longs whose bits would pack alike.
        List<Object> keys = new ArrayList<>();
        String fifteen = "abcdefghijklmno";
        for (int n = 0; n <= 17; n++) {
            keys.add(fifteen.repeat(2).substring(0, n));
        }
        keys.addAll(List.of("abcdefgXijklmno", "abcdefghijklmnX", "abcdefXhijklmno", "\u00ffbcdefghijklmno",
                "\u00feb", "ab\u0000", "ab\u0000\u0000", -1, -1L, 0, 0L, Integer.MIN_VALUE, (long) Integer.MIN_VALUE,
                Long.MIN_VALUE, "\u0100bcdefghijklmno", "AaAaAaAaAaAaAaAa", "BBBBBBBBBBBBBBBB", "AaAaAaAaAaAaAaBB"));
        assertThat("AaAaAaAaAaAaAaAa".hashCode()).isEqualTo("BBBBBBBBBBBBBBBB".hashCode())
                .isEqualTo("AaAaAaAaAaAaAaBB".hashCode());
        BytesCombineTable table = new BytesCombineTable();
        Map<Object, Object> expected = new HashMap<>();
        for (int round = 1; round <= 2; round++) {
            for (int i = 0; i < keys.size(); i++) {
                Object key = keys.get(i);
                assertThat(table.update(partition(i % 3), key, (long) i, SUM)).as("round %d, key %s", round, key)
                        .isEqualTo(round == 1 ? BytesCombineTable.NEW : BytesCombineTable.MERGED);
                expected.merge(key, (long) i, (a, b) -> (Long) a + (Long) b);
            }
        }
        assertThat(table.size()).isEqualTo(keys.size());
        assertThat(contents(table, 3)).isEqualTo(expected);
        Map<Object, Integer> partitions = new HashMap<>();
        table.entries((partition, key, combiner, hash) -> {
            partitions.put(key, partition);
            assertThat(hash).as("hash of %s", key).isEqualTo(key.hashCode());
        });
        for (int i = 0; i < keys.size(); i++) {
            assertThat(partitions.get(keys.get(i))).as("partition of %s", keys.get(i)).isEqualTo(i % 3);
        }
    }

    @Test
    void manyKeysOverManyPagesAndPartitionsAreExact() {
        BytesCombineTable table = new BytesCombineTable();
        Map<Object, Object> expected = new HashMap<>();
        Random random = new Random(5);
        for (int i = 0; i < 600_000; i++) {
            String key = "word-" + random.nextInt(150_000) + "-" + "y".repeat(random.nextInt(20));
            table.update(partition(Math.floorMod(key.hashCode(), 3)), key, 1L, SUM);
            expected.merge(key, 1L, (a, b) -> (Long) a + (Long) b);
        }
        assertThat(table.size()).isEqualTo(expected.size());
        assertThat(table.bytes()).isGreaterThan(2L << 20);
        assertThat(contents(table, 3)).isEqualTo(expected);
    }

    @Test
    void groupsByPartitionInAscendingSignedHashOrder() {
        BytesCombineTable table = new BytesCombineTable();
        for (int i = 0; i < 5_000; i++) {
            String key = "k" + i * 7919;
            table.update(partition(Math.floorMod(key.hashCode(), 4)), key, 1.5, SUM);
        }
        CombineTable.Grouped grouped = table.grouped(4);
        for (int p = 0; p < 4; p++) {
            int previous = Integer.MIN_VALUE;
            Iterator<Pair<Object, Object>> it = grouped.partition(p);
            while (it.hasNext()) {
                Pair<Object, Object> entry = it.next();
                assertThat(Math.floorMod(entry.key().hashCode(), 4)).isEqualTo(p);
                assertThat(entry.key().hashCode()).isGreaterThanOrEqualTo(previous);
                assertThat(entry.value()).isEqualTo(1.5);
                previous = entry.key().hashCode();
            }
        }
    }

    @Test
    void anUnsupportedKeyOrCombinerChangesNothing() {
        BytesCombineTable table = new BytesCombineTable();
        table.update(partition(0), "a", 1, SUM);
        assertThat(table.update(partition(0), List.of("a"), 1, SUM)).isEqualTo(BytesCombineTable.UNSUPPORTED);
        assertThat(table.update(partition(0), "\u65e5".repeat(600_000), 1, SUM)).as("past a page").isEqualTo(
                BytesCombineTable.UNSUPPORTED);
        assertThat(table.update(partition(0), "b", 1L, SUM)).as("a Long among Integers").isEqualTo(
                BytesCombineTable.UNSUPPORTED);
        TestMerger toText = TestMerger.of((combiner, value) -> "text");
        assertThat(table.update(partition(0), "a", 1, toText)).isEqualTo(BytesCombineTable.UNSUPPORTED);
        assertThat(contents(table, 1)).isEqualTo(Map.of("a", 1));
        List<Object[]> moved = new ArrayList<>();
        table.entries((partition, key, combiner, hash) -> moved.add(new Object[] {partition, key, combiner, hash}));
        assertThat(moved).singleElement().satisfies(e -> assertThat(e).containsExactly(0, "a", 1, "a".hashCode()));
    }

    @Test
    void aCombineTableMovesToObjectsKeepingEveryEntry() {
        CombineTable table = new CombineTable();
        for (int i = 0; i < 20_000; i++) {
            table.update(partition(i % 2), "k" + (i % 5_000), 1, SUM);
        }
        assertThat(table.inBytes()).isTrue();
        table.update(partition(0), List.of("not", "a", "string"), 7, SUM);
        table.update(partition(1), "k3", 1, SUM);
        assertThat(table.inBytes()).isFalse();
        assertThat(table.size()).isEqualTo(5_001);
        Map<Object, Object> actual = new HashMap<>();
        CombineTable.Grouped grouped = table.grouped(2);
        grouped.partition(0).forEachRemaining(e -> actual.put(e.key(), e.value()));
        grouped.partition(1).forEachRemaining(e -> actual.put(e.key(), e.value()));
        assertThat(actual).hasSize(5_001).containsEntry("k3", 5).containsEntry("k4999", 4)
                .containsEntry(List.of("not", "a", "string"), 7);
    }

    /** A partition function that puts every new key in {@code partition}. */
    private static ToIntFunction<Object> partition(int partition) {
        return key -> partition;
    }
}
