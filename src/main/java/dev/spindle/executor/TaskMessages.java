package dev.spindle.executor;

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
import dev.spindle.rpc.message.FetchFailureMessage;
import dev.spindle.rpc.message.LaunchTask;
import dev.spindle.rpc.message.StatusUpdate;
import dev.spindle.rpc.message.TaskFailureMessage;
import dev.spindle.rpc.message.TaskKindMessage;
import dev.spindle.rpc.message.TaskStateMessage;
import dev.spindle.serde.ClosureSerializer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Task descriptions and task status as RPC messages, both ways: what the driver sends an executor process and what
 * comes back. Local mode never converts; executor processes and YARN executors always do.
 */
public final class TaskMessages {
    private static final ClosureSerializer CLOSURES = new ClosureSerializer();

    private TaskMessages() {
    }

    public static LaunchTask launch(TaskDescription task) {
        return launch(task, true, 0);
    }

    /**
     * The message launching {@code task} at the driver's {@code mapOutputEpoch}; without {@code withCode} it leaves
     * the stage's code out, for an executor that keeps it from an earlier task on the same connection
     * ({@link StageCodeWindow}).
     */
    public static LaunchTask launch(TaskDescription task, boolean withCode, long mapOutputEpoch) {
        TaskAttemptId id = task.attemptId();
        return LaunchTask.newBuilder()
                .setTaskId(id.taskId()).setJobId(task.jobId()).setStageId(id.stageId())
                .setStageAttempt(id.stageAttempt()).setPartition(id.partition()).setAttempt(id.attempt())
                .setKind(TaskKindMessage.valueOf(task.kind().name()))
                .setTaskBinary(withCode ? ByteBuffer.wrap(task.taskBinary()) : null)
                .setPartitionBytes(ByteBuffer.wrap(task.partition()))
                // Set rather than defaulted: Avro's build() deep-copies the default of each field left unset.
                .setBroadcastIds(List.of()).setMapOutputEpoch(mapOutputEpoch)
                .build();
    }

    public static TaskDescription description(LaunchTask launch) {
        return description(launch, new StageCodeWindow());
    }

    /**
     * The task {@code launch} describes, its stage's code from the message or, when left out, from {@code window}
     * (the connection's); code that comes with the message is added to the window. Called in the order the
     * connection delivers its messages.
     *
     * @throws IllegalStateException when the code was left out and the window does not have it (the two ends of
     *     the connection disagree: a bug)
     */
    public static TaskDescription description(LaunchTask launch, StageCodeWindow window) {
        long key = StageCodeWindow.key(launch.getStageId(), launch.getStageAttempt());
        byte[] code;
        if (launch.getTaskBinary() != null) {
            code = bytes(launch.getTaskBinary());
            window.add(key, code.length, code);
        } else {
            code = window.code(key);
            if (code == null) {
                throw new IllegalStateException("task " + launch.getTaskId() + " of stage " + launch.getStageId()
                        + " attempt " + launch.getStageAttempt() + " came without its code, which this executor "
                        + "does not keep");
            }
        }
        return new TaskDescription(new TaskAttemptId(launch.getTaskId(), launch.getStageId(), launch.getStageAttempt(),
                launch.getPartition(), launch.getAttempt()), launch.getJobId(), TaskKind.valueOf(launch.getKind().name()),
                code, bytes(launch.getPartitionBytes()));
    }

    public static StatusUpdate update(TaskStatus status) {
        return update(status, null);
    }

    /**
     * The update reporting {@code status}; with a {@code resultBlock} name, a finished task's value stays on the
     * executor under that name and the update carries only its size.
     */
    public static StatusUpdate update(TaskStatus status, String resultBlock) {
        StatusUpdate.Builder update = StatusUpdate.newBuilder()
                .setTaskId(status.taskId())
                .setExecutorId(status.executor().id())
                .setState(TaskStateMessage.valueOf(status.state().name()))
                // Every field set: Avro's build() deep-copies the default of each field left unset.
                .setResultData(null).setResultBlock(null).setResultBytes(0).setCachedAdded(List.of())
                .setCachedRemoved(List.of()).setAccumulators(null).setMetrics(Map.of()).setFailure(null);
        TaskResult result = status.result();
        if (result != null) {
            if (resultBlock == null) {
                update.setResultData(ByteBuffer.wrap(result.value()));
            } else {
                update.setResultBlock(resultBlock);
            }
            if (!result.accumulatorUpdates().isEmpty()) {
                update.setAccumulators(ByteBuffer.wrap(CLOSURES.serialize(new ArrayList<>(result.accumulatorUpdates()),
                        "accumulator updates")));
            }
            update.setResultBytes(result.serializedBytes())
                    .setMetrics(metrics(result.metrics()));
        }
        TaskFailure failure = status.failure();
        if (failure != null) {
            TaskFailureMessage.Builder message = TaskFailureMessage.newBuilder()
                    .setReason(failure.reason().name())
                    .setExceptionClass(failure.exceptionClass())
                    .setMessage(failure.message())
                    .setStackTrace(failure.stackTrace())
                    .setException(failure.exception() == null ? null : java.nio.ByteBuffer.wrap(failure.exception()));
            if (failure.fetchFailure() != null) {
                TaskFailure.FetchFailure fetch = failure.fetchFailure();
                message.setFetchFailure(new FetchFailureMessage(fetch.shuffleId(), fetch.mapPartition(), fetch.location()));
            }
            update.setFailure(message.build());
            if (failure.metrics() != null) {
                update.setMetrics(metrics(failure.metrics()));
            }
        }
        return update.build();
    }

    /** The status an update reports; accumulators are resolved with {@code loader} (they may be user classes). */
    @SuppressWarnings("unchecked")
    public static TaskStatus status(StatusUpdate update, ClassLoader loader) {
        ExecutorId executor = new ExecutorId(update.getExecutorId());
        TaskState state = TaskState.valueOf(update.getState().name());
        TaskMetrics metrics = metrics(update.getMetrics());
        if (state == TaskState.FINISHED) {
            List<Accumulator<?, ?>> accumulators = update.getAccumulators() == null ? List.of()
                    : (List<Accumulator<?, ?>>) CLOSURES.deserialize(bytes(update.getAccumulators()), loader);
            if (update.getResultData() == null && update.getResultBlock() != null) {
                return TaskStatus.finished(update.getTaskId(), executor,
                        TaskResult.notFetched(update.getResultBytes(), accumulators, metrics));
            }
            byte[] value = update.getResultData() == null ? new byte[0] : bytes(update.getResultData());
            return TaskStatus.finished(update.getTaskId(), executor, new TaskResult(value, accumulators, metrics));
        }
        TaskFailureMessage f = update.getFailure();
        if (f == null) {
            return new TaskStatus(update.getTaskId(), executor, state, null, null);
        }
        TaskFailure.FetchFailure fetch = f.getFetchFailure() == null ? null : new TaskFailure.FetchFailure(
                f.getFetchFailure().getShuffleId(), f.getFetchFailure().getMapPartition(),
                f.getFetchFailure().getLocation());
        byte[] exception = null;
        if (f.getException() != null) {
            exception = new byte[f.getException().remaining()];
            f.getException().duplicate().get(exception);
        }
        return new TaskStatus(update.getTaskId(), executor, state, null, new TaskFailure(
                TaskFailure.Reason.valueOf(f.getReason()), f.getExceptionClass() == null ? "unknown" : f.getExceptionClass(),
                f.getMessage(), f.getStackTrace(), fetch, metrics, exception));
    }

    static Map<String, Long> metrics(TaskMetrics m) {
        return m.toNonZeroMap();
    }

    static TaskMetrics metrics(Map<String, Long> values) {
        return values == null ? new TaskMetrics() : TaskMetrics.fromMap(values);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return bytes;
    }
}
