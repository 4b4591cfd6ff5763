package dev.spindle.driver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.common.ExecutorId;
import dev.spindle.plan.TaskFailure;
import dev.spindle.plan.TaskMetrics;
import dev.spindle.scheduler.spi.SchedulerEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * When the driver collects garbage for the shuffle output of its jobs: when a job starts after the jobs since its last
 * such collection wrote at least {@code spindle.cleaner.gcAfterShuffleBytes}, counting only tasks that succeeded.
 */
class ContextCleanerTriggerTest {
    private static final Duration NEVER = Duration.ofHours(1);

    private final AtomicInteger collections = new AtomicInteger();

    private ContextCleaner cleaner(long gcAfterShuffleBytes) {
        ContextCleaner cleaner = new ContextCleaner(shuffle -> { }, broadcast -> { }, collections::incrementAndGet);
        cleaner.start(NEVER, gcAfterShuffleBytes);
        return cleaner;
    }

    private static SchedulerEvent.TaskEnded task(long shuffleBytes, TaskFailure failure) {
        TaskMetrics metrics = new TaskMetrics();
        metrics.addShuffleBytesWritten(shuffleBytes);
        return new SchedulerEvent.TaskEnded(0, 1, 0, 7, 0, 0, new ExecutorId("1"), metrics, failure);
    }

    private static SchedulerEvent.JobStarted job(int id) {
        return new SchedulerEvent.JobStarted(0, id, "job " + id, List.of());
    }

    @Test
    void aJobStartingPastTheBoundCollectsOnceAndTheCountStartsAgain() {
        try (ContextCleaner cleaner = cleaner(100)) {
            cleaner.onEvent(task(60, null));
            cleaner.onEvent(job(1));
            cleaner.onEvent(task(60, null));
            cleaner.onEvent(task(0, null));
            assertThat(cleaner.collectionsForShuffles()).isZero();
            cleaner.onEvent(job(2)); // 120 bytes since the last collection
            assertThat(cleaner.collectionsForShuffles()).isEqualTo(1);
            Awaitility.await("the collection run").atMost(Duration.ofSeconds(10)).until(() -> collections.get() == 1);

            cleaner.onEvent(job(3)); // nothing written since
            cleaner.onEvent(task(99, null));
            cleaner.onEvent(job(4));
            assertThat(cleaner.collectionsForShuffles()).isEqualTo(1);
            cleaner.onEvent(task(1, null));
            cleaner.onEvent(job(5));
            assertThat(cleaner.collectionsForShuffles()).isEqualTo(2);
            Awaitility.await("the second collection run").atMost(Duration.ofSeconds(10))
                    .until(() -> collections.get() == 2);
        }
    }

    @Test
    void failedTasksOutputDoesNotCountAndZeroTurnsItOff() {
        try (ContextCleaner cleaner = cleaner(100)) {
            cleaner.onEvent(task(500, TaskFailure.simple(TaskFailure.Reason.EXCEPTION, "boom")));
            cleaner.onEvent(job(1));
            assertThat(cleaner.collectionsForShuffles()).isZero();
            cleaner.onEvent(task(100, null));
            cleaner.onEvent(job(2));
            assertThat(cleaner.collectionsForShuffles()).isEqualTo(1);
        }
        try (ContextCleaner off = cleaner(0)) {
            off.onEvent(task(500, null));
            off.onEvent(job(1));
            assertThat(off.collectionsForShuffles()).isZero();
        }
    }
}
