package dev.spindle.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.common.CapturedLog;
import dev.spindle.common.ExecutorId;
import dev.spindle.common.Pair;
import dev.spindle.config.SpindleConf;
import dev.spindle.scheduler.spi.SchedulerEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dynamic allocation in {@code local-cluster}, whose provisioner starts and stops executor JVMs: the same manager as
 * on YARN grows the executors with the backlog and releases idle ones, with no failure counted.
 */
@Timeout(240)
class DynamicAllocationTest {
    private static SpindleConf dynamic(int maxExecutorsOfTheCluster, boolean shuffleTracking) {
        return SpindleConf.empty().with("spindle.master", "local-cluster[" + maxExecutorsOfTheCluster + ",1,512]")
                .with("spindle.dynamicAllocation.enabled", "true")
                .with("spindle.dynamicAllocation.schedulerBacklogTimeout", "100ms")
                .with("spindle.dynamicAllocation.sustainedSchedulerBacklogTimeout", "100ms")
                .with("spindle.dynamicAllocation.executorIdleTimeout", "1s")
                .with("spindle.dynamicAllocation.shuffleTracking.enabled", Boolean.toString(shuffleTracking));
    }

    @Test
    void executorsGrowFromNoneToTheMaximumWithTheBacklogAndAreReleasedWhenIdle(@TempDir Path dir) {
        RecordedEvents events = new RecordedEvents();
        String gate = dir.resolve("three-executors").toString();
        try (Context ctx = new Context(dynamic(3, false))) {
            events.listenTo(ctx);
            assertThat(executorsAdded(events)).as("no executor before the first job").isZero();
            // Each task waits until the test saw three executors: the backlog lasts until the target reached them.
            Thread opener = new Thread(() -> {
                Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> executorsAdded(events) == 3);
                TaskMarks.make(Path.of(gate));
            });
            opener.start();
            long sum = ctx.parallelize(IntStream.range(0, 12).boxed().toList(), 12)
                    .map(x -> {
                        TaskMarks.require(Path.of(gate), Duration.ofMinutes(2));
                        return (long) x;
                    })
                    .reduce(Long::sum);
            assertThat(sum).isEqualTo(66);
            assertThat(executorsAdded(events)).as("capped at local-cluster's 3").isEqualTo(3);

            Awaitility.await("idle executors released").atMost(Duration.ofMinutes(1))
                    .until(() -> removed(events).size() == 3);
            assertThat(removed(events)).allSatisfy(reason ->
                    assertThat(reason).startsWith("released by dynamic allocation (idle for "));
            assertThat(events.stream().filter(e -> e instanceof SchedulerEvent.TaskEnded t && t.failure() != null))
                    .as("no task failed").isEmpty();

            // The next job brings executors back, and runs.
            assertThat(ctx.parallelize(List.of(1, 2, 3), 3).map(x -> x * 2).collect()).containsExactly(2, 4, 6);
            assertThat(executorsAdded(events)).isGreaterThan(3);
        }
    }

    @Test
    void withShuffleTrackingAnExecutorHoldingLiveShuffleOutputIsKeptUntilTheShuffleIsCleanedUp() {
        RecordedEvents events = new RecordedEvents();
        try (Context ctx = new Context(dynamic(2, true).with("spindle.dynamicAllocation.initialExecutors", "1"));
                CapturedLog log = new CapturedLog()) {
            events.listenTo(ctx);
            PairDataset<Integer, Integer> counts = ctx.parallelize(IntStream.range(0, 100).boxed().toList(), 2)
                    .mapToPair(x -> Pair.of(x % 5, 1)).reduceByKey(Integer::sum);
            assertThat(counts.collectAsMap()).containsEntry(0, 20).hasSize(5);
            Awaitility.await("the idle executor kept for its shuffle output").atMost(Duration.ofMinutes(1))
                    .until(() -> log.text().contains("(shuffle-held: it holds map output of live shuffle(s) [0])"));
            // The backlog may have added a second executor that ran no map task: it holds nothing and may go.
            Set<ExecutorId> holders = mapOutputHolders(events);
            assertThat(holders).as("executors that wrote the map output").isNotEmpty();
            assertThat(counts.collectAsMap()).containsEntry(4, 20);
            assertThat(events.stream().filter(e -> e instanceof SchedulerEvent.StageSubmitted s && s.shuffleId() >= 0))
                    .as("no map stage ran again").hasSize(1);
            assertThat(removedExecutors(events)).as("no executor holding map output was released")
                    .doesNotContainAnyElementsOf(holders);

            // Once no dataset reaches the shuffle, the cleaner deletes it and its executors become releasable.
            counts = null;
            Awaitility.await("the shuffle cleaned up and its executors released").atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        System.gc();
                        return removedExecutors(events).containsAll(holders) && ctx.driver().shuffleState() == 0;
                    });
            assertThat(removed(events)).allSatisfy(reason ->
                    assertThat(reason).startsWith("released by dynamic allocation (idle for "));
        }
    }

    private static long executorsAdded(RecordedEvents events) {
        return events.stream().filter(e -> e instanceof SchedulerEvent.ExecutorAdded).count();
    }

    /** The executors that ran a succeeded task of a map stage. */
    private static Set<ExecutorId> mapOutputHolders(RecordedEvents events) {
        Set<Integer> mapStages = events.stream()
                .filter(e -> e instanceof SchedulerEvent.StageSubmitted s && s.shuffleId() >= 0)
                .map(e -> ((SchedulerEvent.StageSubmitted) e).stageId()).collect(Collectors.toSet());
        return events.stream()
                .filter(e -> e instanceof SchedulerEvent.TaskEnded t && t.failure() == null
                        && mapStages.contains(t.stageId()))
                .map(e -> ((SchedulerEvent.TaskEnded) e).executor()).collect(Collectors.toSet());
    }

    private static Set<ExecutorId> removedExecutors(RecordedEvents events) {
        return events.stream().filter(e -> e instanceof SchedulerEvent.ExecutorRemoved)
                .map(e -> ((SchedulerEvent.ExecutorRemoved) e).executor()).collect(Collectors.toSet());
    }

    private static List<String> removed(RecordedEvents events) {
        return events.stream().filter(e -> e instanceof SchedulerEvent.ExecutorRemoved)
                .map(e -> ((SchedulerEvent.ExecutorRemoved) e).reason()).toList();
    }
}
