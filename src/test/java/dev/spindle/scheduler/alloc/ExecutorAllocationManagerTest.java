package dev.spindle.scheduler.alloc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.common.CapturedLog;
import dev.spindle.common.Clock;
import dev.spindle.common.ExecutorId;
import dev.spindle.plan.TaskFailure;
import dev.spindle.scheduler.spi.SchedulerEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The policy alone: events in, target and releases out, on a clock the test moves. */
class ExecutorAllocationManagerTest {
    private static final long IDLE = 60_000;
    private static final long CACHED_IDLE = 300_000;

    private final ManualClock clock = new ManualClock();
    private final RecordingClient client = new RecordingClient();
    private long nextTaskId;
    /** The manager under test, which the helpers below feed. */
    private ExecutorAllocationManager current;

    private ExecutorAllocationManager manager(int min, int max, int initial, boolean shuffleTracking,
            long cachedIdle, double ratio) {
        current = new ExecutorAllocationManager(new AllocationPolicy(min, max, initial, 1_000, 1_000, IDLE,
                cachedIdle, ratio, shuffleTracking, 2), client, clock);
        return current;
    }

    private ExecutorAllocationManager manager(int min, int max) {
        return manager(min, max, min, true, Long.MAX_VALUE, 1.0);
    }

    @Test
    void theTargetRampsUpByOneTwoFourWhileTasksWaitCappedByTheLoadAndTheMaximum() {
        ExecutorAllocationManager manager = manager(0, 10);
        manager.onEvent(new SchedulerEvent.StageSubmitted(0, 1, 0, "map", 30, 0, 0));
        manager.tick();
        assertThat(client.targets).as("nothing before the backlog timeout").isEmpty();
        List<Integer> targets = new ArrayList<>();
        for (int second = 1; second <= 6; second++) {
            clock.advance(1_000);
            manager.tick();
            targets.add(manager.target());
        }
        // 1, then +2, +4, then capped: 30 tasks / 2 slots = 15 executors, but at most 10.
        assertThat(targets).containsExactly(1, 3, 7, 10, 10, 10);
        assertThat(client.targets).containsExactly(1, 3, 7, 10);
    }

    @Test
    void theTargetRisesNoHigherThanTheQueueCanGiveAndFollowsItWhenItHasRoomAgain() {
        ExecutorAllocationManager manager = manager(1, Integer.MAX_VALUE);
        client.limit = 2;
        manager.onEvent(new SchedulerEvent.StageSubmitted(0, 1, 0, "map", 200, 0, 0));
        try (CapturedLog log = new CapturedLog()) {
            for (int second = 1; second <= 4; second++) {
                clock.advance(1_000);
                manager.tick();
            }
            assertThat(manager.target()).as("unbounded maximum, but the queue holds 2").isEqualTo(2);
            assertThat(log.text().lines()).filteredOn(m -> m.contains("the queue can give 2"))
                    .as("the raise it limited, then once that it holds the target").hasSize(2);
        }
        client.limit = 1;
        clock.advance(1_000);
        manager.tick();
        assertThat(manager.target()).as("a queue filled by others lowers no target").isEqualTo(2);
        client.limit = 6;
        for (int second = 1; second <= 3; second++) {
            clock.advance(1_000);
            manager.tick();
        }
        assertThat(client.targets).as("the ramp starts again from one").containsExactly(2, 3, 5, 6);

        ExecutorAllocationManager full = manager(3, 10);
        client.targets.clear();
        client.limit = 0;
        full.onEvent(new SchedulerEvent.StageSubmitted(1, 2, 0, "map", 200, 1, 0));
        for (int second = 1; second <= 3; second++) {
            clock.advance(1_000);
            full.tick();
        }
        assertThat(full.target()).as("the minimum, even when the queue has no room").isEqualTo(3);
    }

    @Test
    void theRampIsCappedByWhatTheWaitingAndRunningTasksCanUseTimesTheRatio() {
        ExecutorAllocationManager manager = manager(0, 100, 0, true, Long.MAX_VALUE, 0.5);
        manager.onEvent(new SchedulerEvent.StageSubmitted(0, 1, 0, "map", 12, 0, 0));
        for (int second = 1; second <= 5; second++) {
            clock.advance(1_000);
            manager.tick();
        }
        // ceil(12 tasks x 0.5 / 2 slots) = 3
        assertThat(manager.target()).isEqualTo(3);
    }

    @Test
    void whenTheBacklogShrinksTheTargetDropsAtOnceButNotBelowTheMinimum() {
        ExecutorAllocationManager manager = manager(2, 20);
        manager.onEvent(new SchedulerEvent.StageSubmitted(0, 1, 0, "map", 40, 0, 0));
        for (int second = 1; second <= 6; second++) {
            clock.advance(1_000);
            manager.tick();
        }
        assertThat(manager.target()).isEqualTo(20);
        ExecutorId executor = added(1);
        // 34 tasks finish; 6 are left, running: they need 3 executors.
        for (int partition = 0; partition < 40; partition++) {
            long task = started(1, partition, executor);
            if (partition >= 6) {
                ended(1, partition, task, executor, null);
            }
        }
        manager.tick();
        assertThat(manager.target()).isEqualTo(3);
        manager.onEvent(new SchedulerEvent.StageCompleted(0, 1, 0, "map", null));
        manager.tick();
        assertThat(manager.target()).as("the minimum").isEqualTo(2);
        assertThat(client.targets).endsWith(20, 3, 2);
    }

    @Test
    void theInitialTargetStandsUntilTheFirstStageOrAnIdleTimeout() {
        ExecutorAllocationManager manager = manager(0, 10, 3, true, Long.MAX_VALUE, 1.0);
        manager.tick();
        clock.advance(IDLE - 1);
        manager.tick();
        assertThat(manager.target()).as("nothing asked yet: the initial executors stay wanted").isEqualTo(3);
        manager.onEvent(new SchedulerEvent.StageSubmitted(0, 1, 0, "map", 2, 0, 0));
        manager.tick();
        assertThat(manager.target()).as("2 tasks of 2 slots need 1").isEqualTo(1);

        ExecutorAllocationManager idle = manager(0, 10, 3, true, Long.MAX_VALUE, 1.0);
        idle.tick();
        clock.advance(IDLE);
        idle.tick();
        assertThat(idle.target()).as("no program asks within an idle timeout").isZero();
    }

    @Test
    void aFailedTaskWaitsAgainAndCountsAsBacklog() {
        ExecutorAllocationManager manager = manager(0, 10);
        manager.onEvent(new SchedulerEvent.StageSubmitted(0, 1, 0, "map", 1, 0, 0));
        ExecutorId executor = added(1);
        long task = started(1, 0, executor);
        ended(1, 0, task, executor, TaskFailure.simple(TaskFailure.Reason.EXCEPTION, "boom"));
        manager.tick();
        clock.advance(1_000);
        manager.tick();
        assertThat(manager.target()).isEqualTo(1);
    }

    @Test
    void idleExecutorsAreReleasedAfterTheTimeoutDownToTheMinimum() {
        ExecutorAllocationManager manager = manager(2, 10, 3, true, Long.MAX_VALUE, 1.0);
        ExecutorId one = added(1);
        added(2);
        ExecutorId three = added(3);
        manager.onEvent(new SchedulerEvent.StageSubmitted(0, 1, 0, "result", 1, 0, -1));
        long task = started(1, 0, three);
        clock.advance(IDLE - 1);
        manager.tick();
        assertThat(client.releases).isEmpty();
        clock.advance(1);
        manager.tick();
        // Executor 3 runs a task; of 1 and 2, one goes: the minimum is 2 and 3 counts.
        assertThat(client.releases).hasSize(1);
        assertThat(client.releases.get(0)).containsOnlyKeys(one);
        assertThat(client.releases.get(0).get(one)).isEqualTo("released by dynamic allocation (idle for 60000 ms)");
        manager.onEvent(new SchedulerEvent.ExecutorRemoved(0, one, "released"));
        ended(1, 0, task, three, null);
        manager.onEvent(new SchedulerEvent.StageCompleted(0, 1, 0, "result", null));
        clock.advance(IDLE);
        manager.tick();
        assertThat(client.releases).as("executors 2 and 3 are the minimum").hasSize(1);
    }

    @Test
    void aReleaseTheSchedulerRefusedEndsNoExecutorAndTheExecutorCountsAgain() {
        ExecutorAllocationManager manager = manager(0, 10, 1, true, Long.MAX_VALUE, 1.0);
        ExecutorId one = added(1);
        clock.advance(IDLE);
        manager.tick();
        assertThat(client.releases).hasSize(1);
        // The scheduler had just launched a task there: it refused, and the task's start arrives.
        manager.onEvent(new SchedulerEvent.StageSubmitted(0, 1, 0, "result", 1, 0, -1));
        long task = started(1, 0, one);
        clock.advance(IDLE);
        manager.tick();
        assertThat(client.releases).as("busy").hasSize(1);
        ended(1, 0, task, one, null);
        manager.onEvent(new SchedulerEvent.StageCompleted(0, 1, 0, "result", null));
        clock.advance(IDLE);
        manager.tick();
        assertThat(client.releases).as("idle again for a whole timeout").hasSize(2);
    }

    @Test
    void anExecutorHoldingCachedPartitionsWaitsOutTheCachedTimeout() {
        ExecutorAllocationManager manager = manager(0, 10, 2, true, CACHED_IDLE, 1.0);
        ExecutorId one = added(1);
        ExecutorId two = added(2);
        manager.onEvent(new SchedulerEvent.BlockUpdated(0, one, 7, 0, 1_000, 0));
        try (CapturedLog log = new CapturedLog()) {
            clock.advance(IDLE);
            manager.tick();
            manager.tick();
            assertThat(client.releases).hasSize(1);
            assertThat(client.releases.get(0)).containsOnlyKeys(two);
            assertThat(log.text()).containsOnlyOnce("Keeping idle executor 1 (cached: it holds 1 cached partition(s))");
        }
        clock.advance(CACHED_IDLE - IDLE);
        manager.tick();
        assertThat(client.releases).hasSize(2);
        assertThat(client.releases.get(1).get(one)).contains("cached for 300000 ms");
    }

    @Test
    void anExecutorWhoseCachedPartitionsWereDroppedIsReleasedAsIdle() {
        ExecutorAllocationManager manager = manager(0, 10, 1, true, Long.MAX_VALUE, 1.0);
        ExecutorId one = added(1);
        manager.onEvent(new SchedulerEvent.BlockUpdated(0, one, 7, 0, 1_000, 0));
        clock.advance(IDLE);
        manager.tick();
        assertThat(client.releases).as("cached partitions keep it: no cached timeout").isEmpty();
        manager.onEvent(new SchedulerEvent.BlockUpdated(0, one, 7, 0, 0, 0));
        manager.tick();
        assertThat(client.releases).hasSize(1);
    }

    @Test
    void withShuffleTrackingAnExecutorHoldingLiveMapOutputIsKeptUntilTheShuffleIsRemoved() {
        ExecutorAllocationManager manager = manager(0, 10, 2, true, Long.MAX_VALUE, 1.0);
        ExecutorId one = added(1);
        ExecutorId two = added(2);
        manager.onEvent(new SchedulerEvent.StageSubmitted(0, 1, 0, "map", 1, 0, 5));
        ended(1, 0, started(1, 0, one), one, null);
        manager.onEvent(new SchedulerEvent.StageCompleted(0, 1, 0, "map", null));
        try (CapturedLog log = new CapturedLog()) {
            clock.advance(IDLE);
            manager.tick();
            assertThat(client.releases).hasSize(1);
            assertThat(client.releases.get(0)).containsOnlyKeys(two);
            assertThat(log.text()).contains("Keeping idle executor 1 (shuffle-held: it holds map output of live "
                    + "shuffle(s) [5])");
        }
        manager.shuffleRemoved(5);
        manager.tick();
        assertThat(client.releases).hasSize(2);
        assertThat(client.releases.get(1)).containsOnlyKeys(one);
    }

    @Test
    void withoutShuffleTrackingMapOutputKeepsNoExecutor() {
        ExecutorAllocationManager manager = manager(0, 10, 1, false, Long.MAX_VALUE, 1.0);
        ExecutorId one = added(1);
        manager.onEvent(new SchedulerEvent.StageSubmitted(0, 1, 0, "map", 1, 0, 5));
        ended(1, 0, started(1, 0, one), one, null);
        manager.onEvent(new SchedulerEvent.StageCompleted(0, 1, 0, "map", null));
        clock.advance(IDLE);
        manager.tick();
        assertThat(client.releases).hasSize(1);
    }

    @Test
    void withTheShuffleServiceMapOutputKeepsNoExecutor() {
        current = new ExecutorAllocationManager(new AllocationPolicy(0, 10, 1, 1_000, 1_000, IDLE, Long.MAX_VALUE,
                1.0, true, 2).withShuffleService(), client, clock);
        ExecutorId one = added(1);
        current.onEvent(new SchedulerEvent.StageSubmitted(0, 1, 0, "map", 1, 0, 5));
        ended(1, 0, started(1, 0, one), one, null);
        current.onEvent(new SchedulerEvent.StageCompleted(0, 1, 0, "map", null));
        clock.advance(IDLE);
        current.tick();
        assertThat(client.releases).as("its node's service serves the output").hasSize(1);
    }

    @Test
    void eachChangeOfTheTargetIsOneLogLineWithItsReason() {
        ExecutorAllocationManager manager = manager(0, 4);
        try (CapturedLog log = new CapturedLog()) {
            manager.onEvent(new SchedulerEvent.StageSubmitted(0, 1, 0, "map", 8, 0, 0));
            for (int second = 1; second <= 5; second++) {
                clock.advance(1_000);
                manager.tick();
            }
            manager.onEvent(new SchedulerEvent.StageCompleted(0, 1, 0, "map", null));
            manager.tick();
            manager.tick();
            List<String> lines = log.text().lines().filter(line -> line.startsWith("Executor target")).toList();
            assertThat(lines).containsExactly(
                    "Executor target 0 -> 1 (backlog: 8 task(s) waiting, for 1000 ms)",
                    "Executor target 1 -> 3 (backlog: 8 task(s) waiting, for 2000 ms)",
                    "Executor target 3 -> 4 (backlog: 8 task(s) waiting, for 3000 ms)",
                    "Executor target 4 -> 0 (backlog: 0 task(s) waiting and 0 running need 0 executor(s))");
        }
    }

    private ExecutorId added(int id) {
        ExecutorId executor = new ExecutorId(Integer.toString(id));
        current.onEvent(new SchedulerEvent.ExecutorAdded(0, executor, "host", 2));
        return executor;
    }

    private long started(int stage, int partition, ExecutorId executor) {
        long task = nextTaskId++;
        current.onEvent(new SchedulerEvent.TaskStarted(0, stage, 0, task, partition, 0, executor, "host"));
        return task;
    }

    private void ended(int stage, int partition, long task, ExecutorId executor, TaskFailure failure) {
        current.onEvent(new SchedulerEvent.TaskEnded(0, stage, 0, task, partition, 0, executor, null,
                failure));
    }

    /** Records what the manager asks. */
    private static final class RecordingClient implements ExecutorAllocationManager.Client {
        final List<Integer> targets = new ArrayList<>();
        final List<Map<ExecutorId, String>> releases = new ArrayList<>();
        int limit = Integer.MAX_VALUE;

        @Override
        public int executorLimit() {
            return limit;
        }

        @Override
        public void requestTotalExecutors(int total) {
            targets.add(total);
        }

        @Override
        public void releaseIfIdle(Map<ExecutorId, String> executors) {
            releases.add(new LinkedHashMap<>(executors));
        }
    }

    private static final class ManualClock implements Clock {
        private long nanos = 1_000_000_000L;

        void advance(long millis) {
            nanos += millis * 1_000_000;
        }

        @Override
        public long millis() {
            return nanos / 1_000_000;
        }

        @Override
        public long nanos() {
            return nanos;
        }
    }
}
