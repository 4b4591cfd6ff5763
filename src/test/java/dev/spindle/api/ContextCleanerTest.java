package dev.spindle.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.common.Pair;
import dev.spindle.config.SpindleConf;
import dev.spindle.scheduler.spi.SchedulerEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shuffles and broadcast values that no dataset or handle reaches any more are cleaned up on the driver and the
 * executors: a thousand jobs over cached and shuffled data leave the driver's per-shuffle state and the executors'
 * shuffle files bounded, and a shuffle still reachable is kept and reused.
 */
@Timeout(300)
class ContextCleanerTest {
    private static final int JOBS = 1_000;

    @Test
    void aThousandJobsLeaveTheDriversShuffleStateAndTheExecutorsShuffleFilesBounded(@TempDir Path localDir) {
        RecordedEvents events = new RecordedEvents();
        try (Context ctx = new Context(SpindleConf.empty().with("spindle.master", "local-cluster[1,2,512]")
                .with("spindle.local.dir", localDir.toString()))) {
            events.listenTo(ctx);
            Dataset<Integer> cached = ctx.parallelize(IntStream.range(0, 200).boxed().toList(), 2).cache();
            PairDataset<Integer, Integer> kept = cached.mapToPair(x -> Pair.of(x % 3, 1)).reduceByKey(Integer::sum, 2);
            assertThat(kept.count()).isEqualTo(3);
            int peakState = 0;
            for (int job = 0; job < JOBS; job++) {
                int modulus = 2 + job % 7;
                Broadcast<Integer> offset = ctx.broadcast(job);
                long keys = cached.mapToPair(x -> Pair.of((x + offset.value()) % modulus, 1))
                        .reduceByKey(Integer::sum, 2).count();
                assertThat(keys).isEqualTo(modulus);
                if (job % 100 == 99) {
                    System.gc();
                    peakState = Math.max(peakState, ctx.driver().shuffleState());
                }
            }
            System.gc();
            Awaitility.await("the unreachable shuffles cleaned up").atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        System.gc();
                        return ctx.driver().shuffleState() <= 1 && shuffleFiles(localDir) <= 4
                                && ctx.driver().broadcasts().size() == 0;
                    });
            assertThat(peakState).as("the driver's shuffles, measured every 100 jobs").isLessThan(250);

            // The shuffle a live dataset reaches was kept: counting it again runs no map task.
            events.clear();
            assertThat(kept.count()).isEqualTo(3);
            assertThat(events.stream().filter(e -> e instanceof SchedulerEvent.StageSubmitted s && s.shuffleId() >= 0))
                    .as("map stages run again").isEmpty();
        }
    }

    /**
     * A driver whose tasks run in executor processes collects when a job starts after the bound of shuffle output
     * ({@code spindle.cleaner.gcAfterShuffleBytes}), and the earlier job's shuffle, which nothing reaches, is cleaned
     * from the executor; a local-mode driver, whose tasks churn its own heap, never collects for that.
     */
    @Test
    void aJobStartingAfterTheBoundOfShuffleOutputCleansTheShufflesNothingReaches(@TempDir Path localDir)
            throws InterruptedException {
        String bound = "spindle.cleaner.gcAfterShuffleBytes";
        try (Context ctx = new Context(SpindleConf.empty().with("spindle.master", "local-cluster[1,1,512]")
                .with("spindle.local.dir", localDir.toString()).with(bound, "1k"))) {
            assertThat(ctx.parallelize(IntStream.range(0, 10_000).boxed().toList(), 2)
                    .mapToPair(x -> Pair.of(x % 100, x)).groupByKey(2).count()).isEqualTo(100);
            assertThat(ctx.driver().collectionsForShuffles()).as("before the next job").isZero();
            assertThat(ctx.parallelize(List.of(1, 2, 3), 1).count()).isEqualTo(3);
            // The scheduler's events reach the cleaner on the listener bus, after the job may have returned.
            Awaitility.await("a collection when the next job started").atMost(Duration.ofSeconds(30))
                    .until(() -> ctx.driver().collectionsForShuffles() == 1);
            Awaitility.await("the first job's shuffle files deleted").atMost(Duration.ofSeconds(30))
                    .until(() -> shuffleFiles(localDir) == 0);
        }
        try (Context local = new Context(SpindleConf.empty().with("spindle.master", "local[2]").with(bound, "1k"))) {
            local.parallelize(IntStream.range(0, 10_000).boxed().toList(), 2).mapToPair(x -> Pair.of(x % 100, x))
                    .groupByKey(2).count();
            local.parallelize(List.of(1, 2, 3), 1).count();
            local.driver().listenerBus().awaitDelivered(30_000); // what the jobs posted reached the cleaner
            assertThat(local.driver().collectionsForShuffles()).isZero();
        }
    }

    /** Data and index files of shuffles under the executors' local directories. */
    private static long shuffleFiles(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.getFileName().toString().startsWith("shuffle_")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
