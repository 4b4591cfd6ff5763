package dev.spindle.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.common.Pair;
import dev.spindle.common.SpindleException;
import dev.spindle.config.SpindleConf;
import dev.spindle.scheduler.spi.SchedulerEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Retries, failures, shuffle reuse, closures, accumulators: the scheduler as a user sees it. */
@Timeout(120)
class SchedulingTest {
    private static final AtomicInteger ATTEMPTS = new AtomicInteger();
    private static final AtomicInteger MAP_CALLS = new AtomicInteger();
    private static final RecordedEvents EVENTS = new RecordedEvents();
    private static Context ctx;

    @BeforeAll
    static void start() {
        ctx = new Context(SpindleConf.empty().with("spindle.master", "local[2]").with("spindle.task.maxFailures", "3"));
        EVENTS.listenTo(ctx);
    }

    @AfterAll
    static void stop() {
        ctx.close();
    }

    @AfterEach
    void schedulerIsIdle() {
        // A failed job\'s other tasks may still be ending: the scheduler must come back to idle.
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> ctx.activeSchedulerState() == 0);
    }

    @Test
    void aFailingTaskIsRetriedAndTheJobSucceeds() {
        ATTEMPTS.set(0);
        LongAccumulator counted = ctx.longAccumulator("counted");
        List<Integer> result = ctx.parallelize(List.of(1, 2, 3, 4), 2).map(x -> {
            counted.add(1);
            if (x == 4 && ATTEMPTS.incrementAndGet() < 3) {
                throw new IllegalStateException("transient failure");
            }
            return x * 10;
        }).collect();
        assertThat(result).containsExactly(10, 20, 30, 40);
        assertThat(ATTEMPTS.get()).isEqualTo(3);
        assertThat(counted.value()).as("accumulator updates of failed attempts are not counted").isEqualTo(4L);
    }

    @Test
    void aTaskFailingMaxFailuresTimesFailsTheJobWithItsExceptionAndIds() {
        assertThatThrownBy(() -> ctx.parallelize(List.of(1, 2, 3), 3).map(x -> {
            if (x == 2) {
                throw new IllegalArgumentException("bad record " + x);
            }
            return x;
        }).count())
                .isInstanceOf(SpindleException.class)
                .hasMessageContaining("Job ")
                .hasMessageContaining("task 1 of stage")
                .hasMessageContaining("failed 3 times (spindle.task.maxFailures=3)")
                .hasMessageContaining("java.lang.IllegalArgumentException: bad record 2")
                .hasMessageContaining("on executor driver")
                .hasMessageContaining("SchedulingTest.java");
        // Other jobs of the context keep working.
        assertThat(ctx.parallelize(List.of(1, 2, 3), 3).count()).isEqualTo(3);
    }

    @Test
    void aMapTaskFailingMidShuffleFailsTheJobWithItsExceptionAndLeavesNoShuffleFiles(@TempDir Path localDir)
            throws Exception {
        try (Context one = new Context(SpindleConf.empty().with("spindle.master", "local[2]")
                .with("spindle.task.maxFailures", "2").with("spindle.local.dir", localDir.toString()))) {
            // groupByKey: no map-side combine and few partitions, so each record goes straight to its partition's
            // file; the failure comes after thousands of records were written.
            assertThatThrownBy(() -> one.parallelize(IntStream.range(0, 10_000).boxed().toList(), 2)
                    .mapToPair(x -> {
                        if (x == 7_000) {
                            throw new IllegalStateException("bad record " + x);
                        }
                        return Pair.of(x % 10, x);
                    })
                    .groupByKey(4)
                    .count())
                    .isInstanceOf(SpindleException.class)
                    .hasMessageContaining("java.lang.IllegalStateException: bad record 7000");
            // The job fails as soon as the failing task has used its attempts; the other map task may still be
            // writing (a loaded machine), and its files are only temporary until it ends: look once it has.
            Awaitility.await("jobs, stages and tasks left behind cleared").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(10)).until(one::activeSchedulerState, state -> state == 0);
            try (Stream<Path> files = Files.walk(localDir)) {
                assertThat(files.map(path -> path.getFileName().toString()).filter(name -> name.startsWith("tmp_")))
                        .as("temporary shuffle files left behind").isEmpty();
            }
        }
    }

    @Test
    void aShuffleComputedByAnEarlierJobIsReused() {
        PairDataset<Integer, Integer> counts = ctx.parallelize(IntStream.range(0, 100).boxed().toList(), 4)
                .mapToPair(x -> {
                    MAP_CALLS.incrementAndGet();
                    return Pair.of(x % 7, 1);
                })
                .reduceByKey(Integer::sum);
        MAP_CALLS.set(0);
        assertThat(counts.count()).isEqualTo(7);
        assertThat(MAP_CALLS.get()).isEqualTo(100);
        EVENTS.clear();
        assertThat(counts.collectAsMap().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(100);
        assertThat(MAP_CALLS.get()).as("the map side did not run again").isEqualTo(100);
        assertThat(EVENTS.stream().filter(e -> e instanceof SchedulerEvent.StageSubmitted).count()).isEqualTo(1);
    }

    /** Not serializable on purpose. */
    static final class Connection {
        int value() {
            return 1;
        }
    }

    @Test
    void aLambdaCapturingSomethingUnserializableFailsAtTheActionNamingIt() {
        Connection connection = new Connection();
        Dataset<Integer> mapped = ctx.parallelize(List.of(1, 2), 2).map(x -> x + connection.value());
        assertThatThrownBy(mapped::collect)
                .hasMessageContaining("not serializable")
                .hasMessageContaining(Connection.class.getName());
    }

    @Test
    void taskMetricsAndEventsAreReported() {
        EVENTS.clear();
        ctx.parallelize(IntStream.range(0, 1000).boxed().toList(), 4)
                .mapToPair(x -> Pair.of(x % 10, x))
                .reduceByKey(Integer::sum)
                .count();
        EVENTS.awaitJobFinished();
        List<SchedulerEvent.TaskEnded> ended = EVENTS.stream().filter(e -> e instanceof SchedulerEvent.TaskEnded)
                .map(e -> (SchedulerEvent.TaskEnded) e).toList();
        assertThat(ended).hasSizeGreaterThanOrEqualTo(6);
        long shuffleWritten = ended.stream().mapToLong(e -> e.metrics().shuffleRecordsWritten()).sum();
        long shuffleRead = ended.stream().mapToLong(e -> e.metrics().shuffleRecordsRead()).sum();
        assertThat(shuffleWritten).isPositive().isLessThanOrEqualTo(40);
        assertThat(shuffleRead).isEqualTo(shuffleWritten);
        assertThat(ended.stream().mapToLong(e -> e.metrics().recordsRead()).sum()).isEqualTo(1000);
    }
}
