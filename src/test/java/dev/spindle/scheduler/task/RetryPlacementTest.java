package dev.spindle.scheduler.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.common.ExecutorId;
import dev.spindle.plan.TaskFailure;
import dev.spindle.plan.TaskState;
import dev.spindle.plan.TaskStatus;
import dev.spindle.scheduler.spi.TaskLaunch;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A failed task is retried on another executor while one is alive (a full local disk or a bad node fails every
 * attempt there), and on the same executor when it is the only one left.
 */
class RetryPlacementTest extends SchedulerHarness {
    private static final ExecutorId E1 = new ExecutorId("1");
    private static final ExecutorId E2 = new ExecutorId("2");
    private static final ExecutorId E3 = new ExecutorId("3");

    private final LinkedBlockingQueue<TaskLaunch> launches = backend.launches;

    RetryPlacementTest() {
        super(4);
    }

    private TaskLaunch nextLaunch() throws InterruptedException {
        TaskLaunch launch = launches.poll(10, TimeUnit.SECONDS);
        assertThat(launch).as("a task launch").isNotNull();
        return launch;
    }

    private void failDiskFull(TaskLaunch launch) {
        scheduler.statusUpdate(TaskStatus.failed(launch.task().taskId(), launch.executor(), TaskState.FAILED,
                TaskFailure.simple(TaskFailure.Reason.EXCEPTION, "cannot write shuffle spill: no space left on device")));
    }

    /** Executors 1 and 2 with one slot each, running tasks 0 and 1 of a set of two. */
    private List<TaskLaunch> twoTasksOnTwoExecutors() throws InterruptedException {
        scheduler.executorAdded(E1, "host1", 1);
        scheduler.executorAdded(E2, "host2", 1);
        submit(2);
        List<TaskLaunch> running = List.of(nextLaunch(), nextLaunch());
        assertThat(running).extracting(TaskLaunch::executor).containsExactly(E1, E2);
        return running;
    }

    @Test
    void aFailedTaskIsRetriedOnAnotherExecutorAndOnAFailedOneOnlyWhenAllHaveFailedIt() throws InterruptedException {
        scheduler.executorAdded(E1, "host1", 1);
        scheduler.executorAdded(E2, "host2", 1);
        scheduler.executorAdded(E3, "host3", 1);
        submit(1);
        TaskLaunch first = nextLaunch();
        assertThat(first.executor()).isEqualTo(E1);
        failDiskFull(first);
        TaskLaunch second = nextLaunch();
        assertThat(second.executor()).as("not the executor whose disk is full").isEqualTo(E2);
        assertThat(second.task().attemptId().attempt()).isEqualTo(1);
        failDiskFull(second);
        TaskLaunch third = nextLaunch();
        assertThat(third.executor()).isEqualTo(E3);
        failDiskFull(third);
        // Every executor has failed it: it runs again where a slot is free, and fails the set at its fourth failure.
        TaskLaunch fourth = nextLaunch();
        assertThat(fourth.task().attemptId().attempt()).isEqualTo(3);
        failDiskFull(fourth);
        settle();
        assertThat(listener.taskSetFailures).singleElement().asString().contains("failed 4 times");
        assertThat(launches).isEmpty();
    }

    @Test
    void aRetryWaitsForAnotherExecutorsSlotAndTakesTheFailedOneWhenTheOtherIsLost() throws InterruptedException {
        TaskLaunch task0 = twoTasksOnTwoExecutors().get(0);
        failDiskFull(task0);
        settle();
        assertThat(launches).as("executor 1 is free, but task 0 failed there and executor 2 is alive").isEmpty();
        scheduler.executorLost(E2, "container killed");
        TaskLaunch retry = nextLaunch();
        assertThat(retry.executor()).as("the only executor left").isEqualTo(E1);
        assertThat(retry.task().attemptId().partition()).isZero();
        assertThat(retry.task().attemptId().attempt()).isEqualTo(1);
        settle();
        assertThat(launches).as("task 1 waits for executor 1's only slot").isEmpty();
    }

    @Test
    void withOneExecutorAFailedTaskIsRetriedThere() throws InterruptedException {
        scheduler.executorAdded(E1, "localhost", 2);
        submit(1);
        failDiskFull(nextLaunch());
        TaskLaunch retry = nextLaunch();
        assertThat(retry.executor()).isEqualTo(E1);
        assertThat(retry.task().attemptId().attempt()).isEqualTo(1);
    }

    @Test
    void aKilledAttemptDoesNotMakeItsTaskAvoidTheExecutor() throws InterruptedException {
        TaskLaunch task0 = twoTasksOnTwoExecutors().get(0);
        scheduler.statusUpdate(TaskStatus.failed(task0.task().taskId(), E1, TaskState.KILLED,
                TaskFailure.simple(TaskFailure.Reason.KILLED, "killed by the test")));
        assertThat(nextLaunch().executor()).isEqualTo(E1);
    }
}
