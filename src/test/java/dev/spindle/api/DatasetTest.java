package dev.spindle.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.common.Pair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class DatasetTest {
    private static Context ctx;

    @BeforeAll
    static void start() {
        ctx = Context.local(2);
    }

    @AfterAll
    static void stop() {
        ctx.close();
    }

    @AfterEach
    void schedulerIsIdle() {
        // A failed job\'s other tasks may still be ending: the scheduler must come back to idle.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> ctx.activeSchedulerState() == 0);
    }

    private static List<Integer> ints(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    @Test
    void flatMapSkipsEmptyAndNullResultsAndRunsOutCleanly() {
        // Every shape of inner result, in one partition: empty, null, one, several; an empty or null one first
        // and last; and the iterator asked again after the end.
        Iterator<Integer> it = ctx.parallelize(ints(12), 1)
                .flatMap(x -> switch (x % 4) {
                    case 0 -> List.<Integer>of().iterator();
                    case 1 -> null;
                    case 2 -> List.of(x).iterator();
                    default -> List.of(x, x, x).iterator();
                })
                .toLocalIterator();
        List<Integer> result = new ArrayList<>();
        it.forEachRemaining(result::add);
        assertThat(result).containsExactly(2, 3, 3, 3, 6, 7, 7, 7, 10, 11, 11, 11);
        assertThat(it.hasNext()).isFalse();
        assertThat(ctx.parallelize(ints(3), 1).flatMap(x -> x == 1 ? null : List.<Integer>of().iterator()).count())
                .isZero();
    }

    @Test
    void mapFilterFlatMapCollectInPartitionOrder() {
        List<Integer> result = ctx.parallelize(ints(100), 7)
                .map(x -> x * 2)
                .filter(x -> x % 3 == 0)
                .flatMap(x -> List.of(x, -x).iterator())
                .collect();
        List<Integer> expected = new ArrayList<>();
        for (int x = 0; x < 100; x++) {
            if ((2 * x) % 3 == 0) {
                expected.add(2 * x);
                expected.add(-2 * x);
            }
        }
        assertThat(result).isEqualTo(expected);
    }

    @Test
    void countFirstTakeReduceFoldAggregate() {
        Dataset<Integer> data = ctx.parallelize(ints(1000), 5);
        assertThat(data.count()).isEqualTo(1000);
        assertThat(data.first()).isZero();
        assertThat(data.take(7)).containsExactly(0, 1, 2, 3, 4, 5, 6);
        assertThat(data.take(450)).hasSize(450).endsWith(449);
        assertThat(data.take(5000)).hasSize(1000);
        assertThat(data.reduce(Integer::sum)).isEqualTo(499500);
        assertThat(data.fold(0, Integer::sum)).isEqualTo(499500);
        Pair<Integer, Integer> sumAndCount = data.aggregate(Pair.of(0, 0),
                (acc, x) -> Pair.of(acc.key() + x, acc.value() + 1),
                (a, b) -> Pair.of(a.key() + b.key(), a.value() + b.value()));
        assertThat(sumAndCount).isEqualTo(Pair.of(499500, 1000));
    }

    @Test
    void aggregateWithMutableZeroDoesNotShareItBetweenPartitions() {
        List<Integer> all = ctx.parallelize(ints(20), 4).aggregate(new ArrayList<Integer>(),
                (list, x) -> {
                    list.add(x);
                    return list;
                },
                (a, b) -> {
                    ArrayList<Integer> merged = new ArrayList<>(a);
                    merged.addAll(b);
                    return merged;
                });
        assertThat(all).containsExactlyInAnyOrderElementsOf(ints(20));
    }

    @Test
    void emptyDatasetActions() {
        Dataset<Integer> empty = ctx.parallelize(List.<Integer>of(), 3);
        assertThat(empty.count()).isZero();
        assertThat(empty.collect()).isEmpty();
        assertThat(empty.take(3)).isEmpty();
        assertThat(empty.fold(0, Integer::sum)).isZero();
        assertThatThrownBy(empty::first).hasMessageContaining("first() on an empty dataset");
        assertThatThrownBy(() -> empty.reduce(Integer::sum)).hasMessageContaining("use fold()");
    }

    @Test
    void distinctUnionCountByValue() {
        Dataset<String> a = ctx.parallelize(List.of("x", "y", "x", "z"), 2);
        Dataset<String> b = ctx.parallelize(List.of("z", "w"), 3);
        Dataset<String> union = a.union(b);
        assertThat(union.getNumPartitions()).isEqualTo(5);
        assertThat(union.collect()).containsExactly("x", "y", "x", "z", "z", "w");
        assertThat(union.distinct().collect()).containsExactlyInAnyOrder("x", "y", "z", "w");
        assertThat(union.countByValue()).isEqualTo(Map.of("x", 2L, "y", 1L, "z", 2L, "w", 1L));
        assertThat(ctx.union(a, b, a).count()).isEqualTo(10);
    }

    @Test
    void sampleIsDeterministicAndRoughlyTheFraction() {
        Dataset<Integer> data = ctx.parallelize(ints(10_000), 4);
        List<Integer> first = data.sample(false, 0.1, 42).collect();
        assertThat(first).isEqualTo(data.sample(false, 0.1, 42).collect());
        assertThat(first.size()).isBetween(800, 1200);
        assertThat(first).doesNotHaveDuplicates();
        long withReplacement = data.sample(true, 2.0, 7).count();
        assertThat(withReplacement).isBetween(18_000L, 22_000L);
    }

    @Test
    void coalesceRepartitionAndPartitionIndexes() {
        Dataset<Integer> data = ctx.parallelize(ints(100), 10);
        Dataset<Integer> fewer = data.coalesce(3);
        assertThat(fewer.getNumPartitions()).isEqualTo(3);
        assertThat(fewer.collect()).isEqualTo(ints(100));
        Dataset<Integer> more = data.repartition(4);
        assertThat(more.getNumPartitions()).isEqualTo(4);
        assertThat(more.collect()).containsExactlyInAnyOrderElementsOf(ints(100));
        List<Integer> sizes = more.mapPartitionsWithIndex((p, it) -> {
            int n = 0;
            for (; it.hasNext(); it.next()) {
                n++;
            }
            return List.of(n).iterator();
        }).collect();
        assertThat(sizes).hasSize(4).allSatisfy(n -> assertThat(n).isBetween(15, 35));
        List<String> tagged = ctx.parallelize(ints(4), 2)
                .mapPartitionsWithIndex((p, it) -> {
                    List<String> out = new ArrayList<>();
                    it.forEachRemaining(x -> out.add(p + ":" + x));
                    return out.iterator();
                }).collect();
        assertThat(tagged).containsExactly("0:0", "0:1", "1:2", "1:3");
    }

    @Test
    void sortByAndZipWithIndex() {
        List<Integer> shuffled = new ArrayList<>(ints(500));
        java.util.Collections.shuffle(shuffled, new java.util.Random(3));
        Dataset<Integer> data = ctx.parallelize(shuffled, 5);
        assertThat(data.sortBy(x -> x, true, 4).collect()).isEqualTo(ints(500));
        List<Integer> descending = new ArrayList<>(ints(500));
        java.util.Collections.reverse(descending);
        assertThat(data.sortBy(x -> x, false, 3).collect()).isEqualTo(descending);
        List<Pair<String, Long>> zipped = ctx.parallelize(List.of("a", "b", "c", "d", "e"), 3).zipWithIndex().collect();
        assertThat(zipped).containsExactly(Pair.of("a", 0L), Pair.of("b", 1L), Pair.of("c", 2L), Pair.of("d", 3L),
                Pair.of("e", 4L));
    }

    @Test
    void rangeMapPartitionsForeachAndLocalIterator() {
        assertThat(ctx.range(0, 10).collect()).isEqualTo(LongStream.range(0, 10).boxed().toList());
        assertThat(ctx.range(10, 0, -3, 2).collect()).containsExactly(10L, 7L, 4L, 1L);
        assertThat(ctx.range(0, 1_000_000, 1, 4).reduce(Long::sum)).isEqualTo(499_999_500_000L);
        List<Integer> sums = ctx.parallelize(ints(10), 2).mapPartitions(it -> {
            int sum = 0;
            while (it.hasNext()) {
                sum += it.next();
            }
            return List.of(sum).iterator();
        }).collect();
        assertThat(sums).containsExactly(10, 35);
        LongAccumulator seen = ctx.longAccumulator("seen");
        ctx.parallelize(ints(50), 3).foreach(x -> seen.add(x));
        assertThat(seen.value()).isEqualTo(1225L);
        ctx.parallelize(ints(50), 3).foreach(x -> seen.add(x));
        assertThat(seen.value()).as("a second job adds to the total, task copies start from zero").isEqualTo(2450L);
        LongAccumulator partitions = ctx.longAccumulator("partitions");
        ctx.parallelize(ints(50), 3).foreachPartition(it -> partitions.add(1));
        assertThat(partitions.value()).isEqualTo(3L);
        Iterator<Integer> local = ctx.parallelize(ints(25), 4).toLocalIterator();
        List<Integer> back = new ArrayList<>();
        local.forEachRemaining(back::add);
        assertThat(back).isEqualTo(ints(25));
    }

    @Test
    void broadcastIsReadInTasks() {
        Broadcast<Map<String, Integer>> lookup = ctx.broadcast(Map.of("a", 1, "b", 2));
        List<Integer> mapped = ctx.parallelize(Arrays.asList("a", "b", "a", "c"), 2)
                .map(s -> lookup.value().getOrDefault(s, 0))
                .collect();
        assertThat(mapped).containsExactly(1, 2, 1, 0);
        assertThat(lookup.value()).containsEntry("a", 1);
    }

    @Test
    void checkedExceptionsFromUserCodeReachTheCallerWithClassAndMessage() {
        assertThatThrownBy(() -> ctx.parallelize(ints(4), 2).map(x -> {
            if (x == 3) {
                throw new java.io.IOException("cannot read record " + x);
            }
            return x;
        }).collect())
                .hasMessageContaining("java.io.IOException: cannot read record 3")
                .hasMessageContaining("failed 1 times (local mode tries a task once; use local[N,F] for F attempts)");
    }

    @Test
    void unserializableClosureInAMapStageFailsAtTheActionAndLeavesNothingBehind() {
        Object notSerializable = new Object();
        assertThatThrownBy(() -> ctx.parallelize(ints(10), 2)
                .mapToPair(x -> Pair.of(x % 3, notSerializable.hashCode()))
                .reduceByKey(Integer::sum)
                .count())
                .hasMessageContaining("java.lang.Object")
                .hasMessageContaining("not java.io.Serializable");
        assertThat(ctx.parallelize(ints(10), 2).mapToPair(x -> Pair.of(x % 3, x)).reduceByKey(Integer::sum).count())
                .isEqualTo(3);
    }

    /** Not serializable: it cannot travel in a parallelized slice. */
    private static final class Opaque {
    }

    @Test
    void parallelizedElementsThatCannotTravelFailAtTheActionWithTheirClass() {
        assertThatThrownBy(() -> ctx.parallelize(List.of(new Opaque(), new Opaque()), 2).count())
                .hasMessageContaining(Opaque.class.getName())
                .hasMessageContaining("Serializable");
        assertThat(ctx.parallelize(List.of("a", 1, 2L, 3.0, List.of(4)), 2).collect())
                .containsExactly("a", 1, 2L, 3.0, List.of(4));
    }

    @Test
    void lineageDebugStringShowsShuffleBoundaries() {
        String debug = ctx.parallelize(List.of("a b", "b"), 2)
                .flatMap(l -> Arrays.asList(l.split(" ")).iterator())
                .mapToPair(w -> Pair.of(w, 1))
                .reduceByKey(Integer::sum)
                .toDebugString();
        assertThat(debug).contains("reduceByKey at DatasetTest.java").contains("+-").contains("parallelize");
    }
}
