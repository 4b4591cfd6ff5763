package dev.spindle.scheduler.dag;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.common.ExecutorId;
import dev.spindle.common.TaskAttemptId;
import dev.spindle.plan.TaskFailure;
import dev.spindle.plan.TaskMetrics;
import dev.spindle.scheduler.spi.ListenerBus;
import dev.spindle.scheduler.spi.SchedulerEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The first attempt of a partition to ask commits; the coordinator follows stage attempts through bus events. */
class OutputCommitCoordinatorTest {
    private static final ExecutorId EXECUTOR = new ExecutorId("1");

    private final OutputCommitCoordinator coordinator = new OutputCommitCoordinator();
    private final ListenerBus bus = new ListenerBus();

    OutputCommitCoordinatorTest() {
        bus.addSynchronousListener(coordinator);
    }

    @AfterEach
    void closeBus() {
        bus.close();
    }

    private void stageSubmitted(int stage, int attempt) {
        bus.post(new SchedulerEvent.StageSubmitted(0, stage, attempt, "save", 4, 0));
    }

    private void stageCompleted(int stage, int attempt) {
        bus.post(new SchedulerEvent.StageCompleted(0, stage, attempt, "save", null));
    }

    private void taskEnded(TaskAttemptId task, TaskFailure failure) {
        bus.post(new SchedulerEvent.TaskEnded(0, task.stageId(), task.stageAttempt(), task.taskId(), task.partition(),
                task.attempt(), EXECUTOR, new TaskMetrics(), failure));
    }

    private static TaskFailure lost() {
        return TaskFailure.simple(TaskFailure.Reason.EXECUTOR_LOST, "executor 1 lost");
    }

    @Test
    void theFirstAttemptToAskCommitsAndTheOthersAreDenied() {
        stageSubmitted(3, 0);
        TaskAttemptId first = new TaskAttemptId(10, 3, 0, 2, 0);
        TaskAttemptId second = new TaskAttemptId(11, 3, 0, 2, 1);
        TaskAttemptId otherPartition = new TaskAttemptId(12, 3, 0, 1, 0);

        assertThat(coordinator.canCommit(first)).isTrue();
        assertThat(coordinator.canCommit(second)).isFalse();
        assertThat(coordinator.canCommit(first)).as("asking again keeps the permission").isTrue();
        assertThat(coordinator.canCommit(otherPartition)).isTrue();
        // The allowed attempt succeeds: the partition stays its.
        taskEnded(first, null);
        assertThat(coordinator.canCommit(second)).isFalse();
        assertThat(coordinator.granted()).isEqualTo(3);
        assertThat(coordinator.denied()).isEqualTo(2);
    }

    /** Stage 0 attempt 0 runs; {@code allowed} asks to commit partition 0 first, {@code denied} after it. */
    private void bothAsk(TaskAttemptId allowed, TaskAttemptId denied) {
        stageSubmitted(0, 0);
        assertThat(coordinator.canCommit(allowed)).isTrue();
        assertThat(coordinator.canCommit(denied)).isFalse();
    }

    @Test
    void anAllowedAttemptThatFailsReleasesThePartition() {
        TaskAttemptId allowed = new TaskAttemptId(1, 0, 0, 0, 0);
        TaskAttemptId retry = new TaskAttemptId(2, 0, 0, 0, 1);
        bothAsk(allowed, retry);

        taskEnded(allowed, lost());

        assertThat(coordinator.canCommit(retry)).isTrue();
        assertThat(coordinator.canCommit(allowed)).as("a failed attempt never commits, even if its ask comes late")
                .isFalse();
    }

    @Test
    void aFailedAttemptWhoseAskArrivesAfterItsFailureIsDenied() {
        stageSubmitted(0, 0);
        TaskAttemptId lostOne = new TaskAttemptId(1, 0, 0, 0, 0);
        taskEnded(lostOne, lost()); // its executor was declared lost while the ask was on the wire

        assertThat(coordinator.canCommit(lostOne)).isFalse();
        assertThat(coordinator.canCommit(new TaskAttemptId(2, 0, 0, 0, 1))).isTrue();
    }

    @Test
    void aDeniedAttemptThatFailsReleasesNothing() {
        TaskAttemptId allowed = new TaskAttemptId(1, 0, 0, 0, 0);
        TaskAttemptId denied = new TaskAttemptId(2, 0, 0, 0, 1);
        bothAsk(allowed, denied);

        taskEnded(denied, TaskFailure.simple(TaskFailure.Reason.COMMIT_DENIED, "denied"));

        assertThat(coordinator.canCommit(new TaskAttemptId(3, 0, 0, 0, 2))).isFalse();
        assertThat(coordinator.canCommit(allowed)).isTrue();
    }

    @Test
    void lateAsksOfAReplacedStageAttemptAreDenied() {
        stageSubmitted(5, 0);
        TaskAttemptId old = new TaskAttemptId(1, 5, 0, 0, 0);
        // A fetch failure ends attempt 0; the resubmitted attempt 1 starts its counters at 0 again.
        stageCompleted(5, 0);
        stageSubmitted(5, 1);
        TaskAttemptId current = new TaskAttemptId(7, 5, 1, 0, 0);

        assertThat(coordinator.canCommit(old)).isFalse();
        assertThat(coordinator.canCommit(current)).isTrue();
        assertThat(coordinator.denied()).isEqualTo(1);
    }

    @Test
    void aResubmissionWithoutACompletionEventStillReplacesTheEarlierAttempt() {
        stageSubmitted(5, 0);
        TaskAttemptId old = new TaskAttemptId(1, 5, 0, 0, 0);
        assertThat(coordinator.canCommit(old)).isTrue();
        stageSubmitted(5, 1);

        assertThat(coordinator.canCommit(new TaskAttemptId(2, 5, 1, 0, 0))).isTrue();
        assertThat(coordinator.canCommit(old)).isFalse();
        // The old attempt's end does not touch the new attempt's state.
        taskEnded(old, lost());
        assertThat(coordinator.canCommit(new TaskAttemptId(3, 5, 1, 0, 1))).isFalse();
    }

    @Test
    void theEndOfAStageAttemptClearsItsStateAndLaterAsksAreDenied() {
        stageSubmitted(0, 0);
        stageSubmitted(1, 0);
        assertThat(coordinator.canCommit(new TaskAttemptId(1, 0, 0, 0, 0))).isTrue();
        assertThat(coordinator.trackedStages()).isEqualTo(2);

        stageCompleted(0, 0);
        stageCompleted(1, 3); // another attempt's end: stage 1 attempt 0 runs on
        assertThat(coordinator.trackedStages()).isEqualTo(1);
        stageCompleted(1, 0);

        assertThat(coordinator.trackedStages()).isZero();
        assertThat(coordinator.canCommit(new TaskAttemptId(2, 0, 0, 1, 0))).isFalse();
        assertThat(coordinator.canCommit(new TaskAttemptId(3, 9, 0, 0, 0))).as("a stage never submitted").isFalse();
    }
}
