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

/**
 * Map-side combine keeps combining when keys repeat, and gives up when the first 100,000 records of a map task hold
 * mostly distinct keys: then every record is written, and the reduce side still combines them all exactly.
 */
@Timeout(120)
class MapSideCombineTest {
    private static final RecordedEvents EVENTS = new RecordedEvents();
    private static Context ctx;

    @BeforeAll
    static void start() {
        ctx = new Context(SpindleConf.empty().with("spindle.master", "local[2]"));
        EVENTS.listenTo(ctx);
    }

    @AfterAll
    static void stop() {
        ctx.close();
    }

    /** Shuffle records written by the map tasks of the last job. */
    private long shuffleRecordsWritten() {
        return EVENTS.sumOverTasks(TaskMetrics::shuffleRecordsWritten);
    }

    @Test
    void uniqueKeysStopTheCombineAndLaterRepeatedKeysAreStillCombinedExactly() {
        EVENTS.clear();
        // Map task 0: 200k unique keys. Map task 1: 100k unique keys, then 100k records over 100 keys.
        Map<String, Long> counts = ctx.range(0, 400_000, 1, 2)
                .mapToPair(i -> Pair.of(i < 300_000 ? "u" + i : "r" + (i % 100), 1L))
                .reduceByKey(Long::sum, 3)
                .collectAsMap();
        assertThat(counts).hasSize(300_100);
        assertThat(counts.get("u0")).isEqualTo(1L);
        assertThat(counts.get("u299999")).isEqualTo(1L);
        assertThat(counts.get("r0")).isEqualTo(1_000L);
        assertThat(counts.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(400_000L);
        assertThat(shuffleRecordsWritten()).as("every record written once the combine gave up").isEqualTo(400_000);
    }

    @Test
    void repeatedKeysKeepCombining() {
        EVENTS.clear();
        Map<String, Long> counts = ctx.range(0, 400_000, 1, 2)
                .mapToPair(i -> Pair.of("k" + (i % 1_000), 1L))
                .reduceByKey(Long::sum, 3)
                .collectAsMap();
        assertThat(counts).hasSize(1_000).containsEntry("k7", 400L);
        assertThat(shuffleRecordsWritten()).as("one combiner per key and map task").isEqualTo(2_000);
    }

    @Test
    void distinctOfMostlyUniqueDataAndGroupedCombinersAreExact() {
        assertThat(ctx.range(0, 300_000, 1, 2).map(i -> i % 250_000).distinct().count()).isEqualTo(250_000);
        // combineByKey with list combiners: after the give-up each value becomes a list of its own.
        Map<Long, List<Long>> grouped = ctx.range(0, 250_000, 1, 2)
                .mapToPair(i -> Pair.of(i < 200_000 ? i : i % 10, i))
                .aggregateByKey(new java.util.ArrayList<Long>(), (list, v) -> {
                    list.add(v);
                    return list;
                }, (a, b) -> {
                    a.addAll(b);
                    return a;
                })
                .mapValues(list -> {
                    list.sort(null);
                    return (List<Long>) list;
                })
                .collectAsMap();
        assertThat(grouped).hasSize(200_000);
        assertThat(grouped.get(3L)).hasSize(5_001).startsWith(3L, 200_003L, 200_013L);
        assertThat(grouped.get(150_000L)).containsExactly(150_000L);
    }
}
