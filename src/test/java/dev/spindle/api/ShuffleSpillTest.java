package dev.spindle.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.common.Pair;
import dev.spindle.config.SpindleConf;
import dev.spindle.plan.TaskMetrics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Shuffles ten times larger than execution memory finish with correct output, spilling on both sides. */
@Timeout(180)
class ShuffleSpillTest {
    private static final RecordedEvents EVENTS = new RecordedEvents();
    private static Context ctx;

    @BeforeAll
    static void start() {
        ctx = new Context(SpindleConf.empty().with("spindle.master", "local[2]").with("spindle.memory.size", "2m"));
        EVENTS.listenTo(ctx);
    }

    @AfterAll
    static void stop() {
        ctx.close();
    }

    private long spilledBytes() {
        return EVENTS.sumOverTasks(TaskMetrics::spilledBytes);
    }

    @Test
    void reduceByKeyWithManyDistinctKeysSpillsAndIsExact() {
        EVENTS.clear();
        // 400k distinct keys of ~20 bytes: tens of MB as objects, against 2 MiB of memory.
        Map<String, Long> counts = ctx.range(0, 800_000, 1, 4)
                .mapToPair(i -> Pair.of("key-" + (i % 400_000), 1L))
                .reduceByKey(Long::sum, 3)
                .filter(p -> p.value() != 2L)
                .collectAsMap();
        assertThat(counts).as("every key counted exactly twice").isEmpty();
        assertThat(spilledBytes()).isPositive();
    }

    @Test
    void sortLargerThanMemoryIsGloballyOrdered() {
        EVENTS.clear();
        List<Long> sorted = ctx.range(0, 300_000, 1, 4)
                .map(i -> (i * 7_919L) % 300_000)
                .sortBy(x -> x, true, 3)
                .collect();
        assertThat(sorted).hasSize(300_000).isSorted();
        assertThat(sorted.get(0)).isZero();
        assertThat(sorted.get(299_999)).isEqualTo(299_999L);
        assertThat(spilledBytes()).isPositive();
    }

    @Test
    void groupByKeyLargerThanMemory() {
        EVENTS.clear();
        long groups = ctx.range(0, 200_000, 1, 4)
                .mapToPair(i -> Pair.of(i % 50_000, "value-" + i))
                .groupByKey(4)
                .filter(g -> g.value().size() == 4)
                .count();
        assertThat(groups).isEqualTo(50_000);
    }

    @Test
    void aShuffleWithMorePartitionsThanTheBypassLimitSpillsItsMapSideAndIsExact() {
        EVENTS.clear();
        // 250 reduce partitions: past SortShuffleWriter.BYPASS_MAX_PARTITIONS, so map tasks bucket in memory and
        // spill; with 200 or fewer they stream each record to a per-partition file (the other tests).
        List<Pair<Integer, Long>> perPartition = ctx.range(0, 300_000, 1, 2)
                .mapToPair(i -> Pair.of((int) (i % 1_000), "value-" + i))
                .partitionBy(new dev.spindle.plan.HashPartitioner(250))
                .mapPartitionsWithIndex((index, records) -> {
                    long n = 0;
                    while (records.hasNext()) {
                        int key = records.next().key();
                        if (Math.floorMod(Integer.hashCode(key), 250) != index) {
                            throw new IllegalStateException("key " + key + " in partition " + index);
                        }
                        n++;
                    }
                    return List.of(Pair.of(index, n)).iterator();
                })
                .collect();
        assertThat(perPartition).hasSize(250);
        assertThat(perPartition.stream().mapToLong(Pair::value).sum()).isEqualTo(300_000);
        assertThat(spilledBytes()).isPositive();
    }
}
