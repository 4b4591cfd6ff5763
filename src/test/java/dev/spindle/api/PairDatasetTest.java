package dev.spindle.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.common.Pair;
import dev.spindle.plan.HashPartitioner;
import dev.spindle.plan.Partitioner;
import dev.spindle.scheduler.spi.SchedulerEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class PairDatasetTest {
    private static Context ctx;
    private static final RecordedEvents EVENTS = new RecordedEvents();

    @BeforeAll
    static void start() {
        ctx = Context.local(2);
        EVENTS.listenTo(ctx);
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

    private static PairDataset<String, Integer> words() {
        return ctx.parallelizePairs(List.of(Pair.of("a", 1), Pair.of("b", 2), Pair.of("a", 3), Pair.of("c", 4),
                Pair.of("b", 5), Pair.of("a", 6)), 3);
    }

    @Test
    void reduceFoldAggregateCombineByKey() {
        assertThat(words().reduceByKey(Integer::sum).collectAsMap()).isEqualTo(Map.of("a", 10, "b", 7, "c", 4));
        assertThat(words().reduceByKey(Integer::sum, 5).getNumPartitions()).isEqualTo(5);
        assertThat(words().foldByKey(100, Integer::sum, new HashPartitioner(2)).collectAsMap())
                .as("the zero value is added once per key per map partition")
                .containsKeys("a", "b", "c");
        assertThat(words().aggregateByKey(0, (acc, v) -> acc + 1, Integer::sum).collectAsMap())
                .isEqualTo(Map.of("a", 3, "b", 2, "c", 1));
        PairDataset<String, Pair<Integer, Integer>> minMax = words().combineByKey(
                v -> Pair.of(v, v),
                (mm, v) -> Pair.of(Math.min(mm.key(), v), Math.max(mm.value(), v)),
                (x, y) -> Pair.of(Math.min(x.key(), y.key()), Math.max(x.value(), y.value())));
        assertThat(minMax.collectAsMap()).isEqualTo(Map.of("a", Pair.of(1, 6), "b", Pair.of(2, 5), "c", Pair.of(4, 4)));
    }

    @Test
    void groupByKeyKeysValuesMapValuesFlatMapValues() {
        Map<String, List<Integer>> groups = words().groupByKey().collectAsMap();
        assertThat(groups.get("a")).containsExactlyInAnyOrder(1, 3, 6);
        assertThat(groups.get("c")).containsExactly(4);
        assertThat(words().keys().distinct().collect()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(words().values().reduce(Integer::sum)).isEqualTo(21);
        assertThat(words().mapValues(v -> v * 10).values().collect()).containsExactly(10, 20, 30, 40, 50, 60);
        assertThat(words().flatMapValues(v -> Collections.nCopies(v, v).iterator()).count()).isEqualTo(21);
        assertThat(words().countByKey()).isEqualTo(Map.of("a", 3L, "b", 2L, "c", 1L));
    }

    @Test
    void joins() {
        PairDataset<String, Integer> left = ctx.parallelizePairs(List.of(Pair.of("k1", 1), Pair.of("k2", 2),
                Pair.of("k2", 22), Pair.of("k3", 3)), 2);
        PairDataset<String, String> right = ctx.parallelizePairs(List.of(Pair.of("k2", "two"), Pair.of("k3", "three"),
                Pair.of("k3", "drei"), Pair.of("k4", "four")), 3);
        assertThat(left.join(right).collect()).containsExactlyInAnyOrder(
                Pair.of("k2", Pair.of(2, "two")), Pair.of("k2", Pair.of(22, "two")),
                Pair.of("k3", Pair.of(3, "three")), Pair.of("k3", Pair.of(3, "drei")));
        assertThat(left.leftOuterJoin(right).collect()).contains(Pair.of("k1", Pair.of(1, Optional.empty())))
                .hasSize(5);
        assertThat(left.rightOuterJoin(right).collect()).contains(Pair.of("k4", Pair.of(Optional.empty(), "four")))
                .hasSize(5);
        assertThat(left.fullOuterJoin(right).collect()).hasSize(6)
                .contains(Pair.of("k1", Pair.of(Optional.of(1), Optional.empty())))
                .contains(Pair.of("k4", Pair.of(Optional.empty(), Optional.of("four"))));
        PairDataset<String, String> manyRight = ctx.parallelizePairs(List.of(Pair.of("k2", "a"), Pair.of("k2", "b"),
                Pair.of("k2", "c")), 2);
        assertThat(left.join(manyRight, 4).collect()).as("duplicates on both sides: every pair, in 4 partitions")
                .hasSize(6).contains(Pair.of("k2", Pair.of(22, "c")));
        assertThat(left.join(ctx.parallelizePairs(List.<Pair<String, String>>of(), 2)).count()).isZero();
        Map<String, Pair<List<Integer>, List<String>>> groups = left.cogroup(right).collectAsMap();
        assertThat(groups.get("k2").key()).containsExactlyInAnyOrder(2, 22);
        assertThat(groups.get("k4").key()).isEmpty();
    }

    @Test
    void coPartitionedJoinDoesNotReshuffleTheCachedSide() {
        PairDataset<Integer, Integer> links = ctx.parallelize(java.util.stream.IntStream.range(0, 100).boxed().toList(), 4)
                .mapToPair(x -> Pair.of(x % 10, x))
                .reduceByKey(Integer::sum, 4)
                .cache();
        links.count();
        PairDataset<Integer, Integer> ranks = links.mapValues(v -> 1);
        EVENTS.clear();
        List<Pair<Integer, Pair<Integer, Integer>>> joined = links.join(ranks).collect();
        assertThat(joined).hasSize(10);
        long stages = EVENTS.stream().filter(e -> e instanceof SchedulerEvent.StageSubmitted).count();
        assertThat(stages).as("a join of two datasets partitioned alike is one stage, no shuffle").isEqualTo(1);
    }

    @Test
    void sortByKeyGivesGloballyOrderedPartitions() {
        List<Integer> keys = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            keys.add(i);
        }
        Collections.shuffle(keys, new Random(1));
        PairDataset<Integer, String> data = ctx.parallelize(keys, 6).mapToPair(k -> Pair.of(k, "v" + k));
        PairDataset<Integer, String> sorted = data.sortByKey(true, 4);
        List<Integer> partitionMax = sorted.mapPartitionsWithIndex((p, it) -> {
            int max = Integer.MIN_VALUE;
            int n = 0;
            while (it.hasNext()) {
                max = Math.max(max, it.next().key());
                n++;
            }
            return List.of(n == 0 ? Integer.MIN_VALUE : max).iterator();
        }).collect();
        assertThat(partitionMax).isSorted();
        assertThat(sorted.keys().collect()).isEqualTo(java.util.stream.IntStream.range(0, 2000).boxed().toList());
        List<Integer> descending = data.sortByKey(false, 3).keys().collect();
        assertThat(descending.get(0)).isEqualTo(1999);
        assertThat(descending).isSortedAccordingTo(Collections.reverseOrder());
    }

    @Test
    void partitionByAndLookup() {
        PairDataset<String, Integer> partitioned = words().partitionBy(new HashPartitioner(4));
        assertThat(partitioned.getNumPartitions()).isEqualTo(4);
        assertThat(partitioned.lookup("a")).containsExactlyInAnyOrder(1, 3, 6);
        assertThat(words().lookup("b")).containsExactlyInAnyOrder(2, 5);
        assertThat(words().lookup("nope")).isEmpty();
    }

    /** Three partitions, but key "b" goes to partition 7. */
    private record MisplacingPartitioner() implements Partitioner {
        @Override
        public int numPartitions() {
            return 3;
        }

        @Override
        public int partition(Object key) {
            return "b".equals(key) ? 7 : 0;
        }
    }

    @Test
    void aPartitionerAnsweringOutsideItsPartitionsFailsTheJobNamingIt() {
        String named = "partitioner " + MisplacingPartitioner.class.getName() + " put key b in partition 7, but it "
                + "has 3 partitions";
        assertThatThrownBy(() -> words().partitionBy(new MisplacingPartitioner()).count())
                .as("streamed to per-partition files").hasMessageContaining(named);
        assertThatThrownBy(() -> words().reduceByKey(Integer::sum, new MisplacingPartitioner()).count())
                .as("combined on the map side, where the partition is asked once per key").hasMessageContaining(named);
        assertThatThrownBy(() -> words().groupByKey(new MisplacingPartitioner()).count())
                .as("grouped").hasMessageContaining(named);
        assertThat(words().reduceByKey(Integer::sum).collectAsMap()).as("the context still works")
                .isEqualTo(Map.of("a", 10, "b", 7, "c", 4));
    }

    @Test
    void nullKeysAndValuesSurviveTheShuffle() {
        PairDataset<String, String> withNulls = ctx.parallelizePairs(List.of(Pair.of(null, "x"), Pair.of("k", null),
                Pair.of(null, "y")), 2);
        Map<String, List<String>> groups = withNulls.groupByKey().collectAsMap();
        assertThat(groups.get(null)).containsExactlyInAnyOrder("x", "y");
        assertThat(groups.get("k")).containsExactly((String) null);
    }
}
