package dev.spindle.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.common.ExecutorId;
import dev.spindle.common.TaskAttemptId;
import dev.spindle.plan.Accumulator;
import dev.spindle.plan.TaskDescription;
import dev.spindle.plan.TaskFailure;
import dev.spindle.plan.TaskKind;
import dev.spindle.plan.TaskMetrics;
import dev.spindle.plan.TaskResult;
import dev.spindle.plan.TaskState;
import dev.spindle.plan.TaskStatus;
import dev.spindle.rpc.message.LaunchTask;
import dev.spindle.rpc.message.RpcMessage;
import dev.spindle.rpc.message.StatusUpdate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/** Task descriptions and statuses survive the trip through the Avro messages, field by field. */
class TaskMessagesTest {
    private static final ExecutorId EXECUTOR = new ExecutorId("3");

    /** A minimal accumulator, as user code could define one. */
    static final class Counter extends Accumulator<Long, Long> {
        private static final long serialVersionUID = 1L;
        private long sum;

        Counter(long id, long sum) {
            super(id, "counter");
            this.sum = sum;
        }

        @Override
        public void add(Long value) {
            sum += value;
        }

        @Override
        public void merge(Accumulator<Long, Long> other) {
            sum += other.value();
        }

        @Override
        public void reset() {
            sum = 0;
        }

        @Override
        public Long value() {
            return sum;
        }
    }

    /** Through real Avro bytes, as the connection would carry it. */
    private static RpcMessage wire(org.apache.avro.specific.SpecificRecord body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        var encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<>(RpcMessage.class).write(RpcMessage.newBuilder().setBody(body).build(), encoder);
        encoder.flush();
        return new SpecificDatumReader<>(RpcMessage.class).read(null,
                DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
    }

    @Test
    void aTaskDescriptionRoundTrips() throws IOException {
        TaskDescription task = new TaskDescription(new TaskAttemptId(77, 5, 1, 9, 2), 4, TaskKind.SHUFFLE_MAP,
                new byte[] {1, 2, 3}, new byte[] {9, 8});
        TaskDescription back = TaskMessages.description((LaunchTask) wire(TaskMessages.launch(task)).getBody());
        assertThat(back.attemptId()).isEqualTo(task.attemptId());
        assertThat(back.jobId()).isEqualTo(4);
        assertThat(back.kind()).isEqualTo(TaskKind.SHUFFLE_MAP);
        assertThat(back.taskBinary()).containsExactly(1, 2, 3);
        assertThat(back.partition()).containsExactly(9, 8);
    }

    @Test
    void aTaskSentWithoutItsStagesCodeGetsTheCodeItsConnectionKeeps() throws IOException {
        StageCodeWindow window = new StageCodeWindow();
        TaskDescription first = new TaskDescription(new TaskAttemptId(1, 5, 0, 0, 0), 4, TaskKind.RESULT,
                new byte[] {1, 2, 3}, new byte[] {0});
        TaskDescription second = new TaskDescription(new TaskAttemptId(2, 5, 0, 1, 0), 4, TaskKind.RESULT,
                new byte[] {1, 2, 3}, new byte[] {1});
        TaskDescription got = TaskMessages.description((LaunchTask) wire(TaskMessages.launch(first, true, 0)).getBody(),
                window);
        LaunchTask bare = (LaunchTask) wire(TaskMessages.launch(second, false, 0)).getBody();
        assertThat(bare.getTaskBinary()).isNull();
        TaskDescription back = TaskMessages.description(bare, window);
        assertThat(back.taskBinary()).as("the same array: tasks of one stage share their code").isSameAs(
                got.taskBinary()).containsExactly(1, 2, 3);
        assertThat(back.partition()).containsExactly(1);

        LaunchTask otherAttempt = (LaunchTask) wire(TaskMessages.launch(new TaskDescription(
                new TaskAttemptId(3, 5, 1, 0, 0), 4, TaskKind.RESULT, new byte[] {7}, new byte[] {0}), false, 0))
                .getBody();
        assertThatThrownBy(() -> TaskMessages.description(otherAttempt, window))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("task 3 of stage 5 attempt 1 came without its code, which this executor does not keep");
    }

    @Test
    void aFinishedStatusKeepsResultAccumulatorsAndMetrics() throws IOException {
        TaskMetrics metrics = new TaskMetrics();
        metrics.addRecordsRead(10);
        metrics.addShuffleBytesWritten(2048);
        metrics.setDurationMillis(15);
        TaskStatus status = TaskStatus.finished(77, EXECUTOR,
                new TaskResult(new byte[] {4, 5}, List.of(new Counter(12, 40)), metrics));
        StatusUpdate update = (StatusUpdate) wire(TaskMessages.update(status)).getBody();
        TaskStatus back = TaskMessages.status(update, getClass().getClassLoader());
        // Only the counters that are not zero travel; the others read back as 0.
        assertThat(update.getMetrics()).containsOnlyKeys("recordsRead", "shuffleBytesWritten", "durationMillis");
        assertThat(back.result().metrics().toMap()).isEqualTo(metrics.toMap());
        assertThat(back.state()).isEqualTo(TaskState.FINISHED);
        assertThat(back.executor()).isEqualTo(EXECUTOR);
        assertThat(back.result().value()).containsExactly(4, 5);
        assertThat(back.result().accumulatorUpdates()).singleElement()
                .satisfies(a -> assertThat(a.id()).isEqualTo(12))
                .satisfies(a -> assertThat(a.value()).isEqualTo(40L));
        assertThat(back.result().metrics().recordsRead()).isEqualTo(10);
        assertThat(back.result().metrics().shuffleBytesWritten()).isEqualTo(2048);
        assertThat(back.result().metrics().durationMillis()).isEqualTo(15);
    }

    @Test
    void aFetchFailureKeepsWhatTheSchedulerNeeds() throws IOException {
        TaskFailure failure = new TaskFailure(TaskFailure.Reason.FETCH_FAILED, "dev.spindle.shuffle.FetchFailedException",
                "map output lost", "at somewhere", new TaskFailure.FetchFailure(2, 6, "executor 4"), null);
        TaskStatus back = TaskMessages.status((StatusUpdate) wire(TaskMessages.update(
                TaskStatus.failed(8, EXECUTOR, TaskState.FAILED, failure))).getBody(), getClass().getClassLoader());
        assertThat(back.state()).isEqualTo(TaskState.FAILED);
        assertThat(back.failure().reason()).isEqualTo(TaskFailure.Reason.FETCH_FAILED);
        assertThat(back.failure().describe()).isEqualTo("dev.spindle.shuffle.FetchFailedException: map output lost");
        assertThat(back.failure().stackTrace()).isEqualTo("at somewhere");
        assertThat(back.failure().fetchFailure()).isEqualTo(new TaskFailure.FetchFailure(2, 6, "executor 4"));
        assertThat(back.failure().countsTowardsFailures()).isFalse();
    }
}
