package dev.spindle.scheduler.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.common.Clock;
import dev.spindle.plan.TaskKind;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The task scheduler tells its backend where waiting tasks want to run, so that YARN can ask for those hosts. */
class PendingLocalityTest {
    private final FakeBackend backend = new FakeBackend();
    private final LinkedBlockingQueue<Map<String, Integer>> reported = backend.pendingByHost;

    private static TaskSet.PendingTask task(int partition, String... hosts) {
        return new TaskSet.PendingTask(partition, new byte[0], List.of(hosts), List.of());
    }

    @Test
    void eachNewTaskSetReportsTheWaitingTasksPerPreferredHost() throws InterruptedException {
        TaskScheduler scheduler = new TaskScheduler(backend, new RecordingListener(), new TaskScheduler.Settings(4, 3000),
                Clock.SYSTEM);
        try {
            scheduler.submit(new TaskSet(1, 0, 0, TaskKind.SHUFFLE_MAP, new byte[0], List.of(task(0, "dn1", "dn2"),
                    task(1, "dn2", "dn3"), task(2))));
            assertThat(reported.poll(10, TimeUnit.SECONDS)).isEqualTo(Map.of("dn1", 1, "dn2", 2, "dn3", 1));
            // No executor has registered, so nothing launched: the second set adds to the first.
            scheduler.submit(new TaskSet(2, 0, 1, TaskKind.RESULT, new byte[0], List.of(task(0, "dn3"))));
            assertThat(reported.poll(10, TimeUnit.SECONDS)).isEqualTo(Map.of("dn1", 1, "dn2", 2, "dn3", 2));
        } finally {
            scheduler.close();
        }
    }
}
