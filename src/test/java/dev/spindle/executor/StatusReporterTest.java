package dev.spindle.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.common.ExecutorId;
import dev.spindle.plan.TaskFailure;
import dev.spindle.plan.TaskMetrics;
import dev.spindle.plan.TaskResult;
import dev.spindle.plan.TaskState;
import dev.spindle.plan.TaskStatus;
import dev.spindle.rpc.message.RpcMessage;
import dev.spindle.rpc.message.StatusUpdate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/** What replaces a status too large for one RPC frame: a failure with the sizes and the setting that fixes it. */
class StatusReporterTest {
    private static final ExecutorId EXECUTOR = new ExecutorId("2");
    private static final int MAX_FRAME = 64 << 10;
    private static final long MAX_DIRECT = 60 << 10;

    @Test
    void anInlineResultThatDoesNotFitPointsAtTheDirectResultSize() throws IOException {
        TaskStatus status = TaskStatus.finished(4, EXECUTOR, new TaskResult(new byte[60_000],
                List.of(new TaskMessagesTest.Counter(1, 5)), new TaskMetrics()));
        StatusUpdate update = TaskMessages.update(status);
        TaskStatus fitting = StatusReporter.fitting(status, update, 70_000, MAX_FRAME, MAX_DIRECT);
        assertThat(fitting.state()).isEqualTo(TaskState.FAILED);
        assertThat(fitting.failure().reason()).isEqualTo(TaskFailure.Reason.RESULT_TOO_LARGE);
        assertThat(fitting.failure().countsTowardsFailures()).isTrue();
        assertThat(fitting.failure().message()).contains("task 4's status is 70000 bytes, over "
                + "spindle.rpc.maxFrameSize=65536", "its result takes 60000 bytes",
                "lower spindle.task.maxDirectResultSize=61440 below 60000",
                "travel through the block manager", "or raise spindle.rpc.maxFrameSize above 70000");
        assertThat(encodedBytes(TaskMessages.update(fitting))).isLessThan(MAX_FRAME);
    }

    @Test
    void accumulatorsThatDoNotFitPointAtTheFrameSize() {
        TaskStatus status = TaskStatus.finished(5, EXECUTOR, new TaskResult(new byte[100_000],
                List.of(new TaskMessagesTest.Counter(1, 5)), new TaskMetrics()));
        StatusUpdate update = TaskMessages.update(status, "result-5"); // the result goes as a block
        TaskStatus fitting = StatusReporter.fitting(status, update, 80_000, MAX_FRAME, MAX_DIRECT);
        assertThat(fitting.failure().message()).contains("its result takes 0 bytes of it (the result itself travels "
                + "as a block)", "raise spindle.rpc.maxFrameSize above 80000", "accumulator values")
                .doesNotContain("lower spindle.task.maxDirectResultSize");
    }

    @Test
    void aFailureTooLargeKeepsItsClassAndTheStartOfItsReport() throws IOException {
        IllegalStateException error = new IllegalStateException("huge " + "x".repeat(300_000));
        TaskStatus status = TaskStatus.failed(6, EXECUTOR, TaskState.FAILED,
                TaskFailure.of(TaskFailure.Reason.EXCEPTION, error, new TaskMetrics()));
        int frame = encodedBytes(TaskMessages.update(status));
        assertThat(frame).isGreaterThan(MAX_FRAME);
        TaskStatus fitting = StatusReporter.fitting(status, TaskMessages.update(status), frame, MAX_FRAME,
                MAX_DIRECT);
        TaskFailure failure = fitting.failure();
        assertThat(fitting.state()).isEqualTo(TaskState.FAILED);
        assertThat(failure.reason()).isEqualTo(TaskFailure.Reason.EXCEPTION);
        assertThat(failure.exceptionClass()).isEqualTo(IllegalStateException.class.getName());
        assertThat(failure.message()).contains("over spindle.rpc.maxFrameSize=65536", "raise it above " + frame,
                "huge xxx");
        assertThat(failure.stackTrace()).startsWith("java.lang.IllegalStateException: huge xxx")
                .hasSizeLessThanOrEqualTo(StatusReporter.KEPT_TRACE_CHARS + 1);
        assertThat(encodedBytes(TaskMessages.update(fitting))).isLessThan(MAX_FRAME);
    }

    private static int encodedBytes(StatusUpdate update) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        var encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<>(RpcMessage.class).write(RpcMessage.newBuilder().setBody(update).build(), encoder);
        encoder.flush();
        return bytes.size();
    }
}
