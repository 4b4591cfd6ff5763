package dev.spindle.recovery;

import dev.spindle.common.ExecutorId;
import dev.spindle.common.SpindleException;
import dev.spindle.plan.TaskFailure;
import dev.spindle.plan.TaskMetrics;
import dev.spindle.recovery.log.ActionCompleted;
import dev.spindle.recovery.log.ApplicationEnded;
import dev.spindle.recovery.log.ApplicationStarted;
import dev.spindle.recovery.log.BlockUpdated;
import dev.spindle.recovery.log.CheckpointWritten;
import dev.spindle.recovery.log.ExecutorAdded;
import dev.spindle.recovery.log.ExecutorRemoved;
import dev.spindle.recovery.log.FetchFailure;
import dev.spindle.recovery.log.JobFinished;
import dev.spindle.recovery.log.JobStarted;
import dev.spindle.recovery.log.LogRecord;
import dev.spindle.recovery.log.OutputCommitted;
import dev.spindle.recovery.log.OutputStarted;
import dev.spindle.recovery.log.ShuffleRegistered;
import dev.spindle.recovery.log.StageCompleted;
import dev.spindle.recovery.log.StageSubmitted;
import dev.spindle.recovery.log.TaskEnded;
import dev.spindle.recovery.log.TaskFailureReason;
import dev.spindle.recovery.log.TaskStarted;
import dev.spindle.scheduler.spi.SchedulerEvent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Converts listener events and recovery records to the Avro {@link LogRecord}s of the event log and back. The
 * Avro classes share the simple names of the Java records, which are therefore always written qualified
 * ({@code SchedulerEvent.JobStarted}, {@code RecoveryRecord.ActionCompleted}).
 */
final class EventLogCodec {
    private EventLogCodec() {
    }

    static LogRecord encode(SchedulerEvent event) {
        return new LogRecord(event.time(), encodeBody(event));
    }

    static LogRecord encode(RecoveryRecord record, long time) {
        return new LogRecord(time, encodeBody(record));
    }

    /** A {@link SchedulerEvent} or a {@link RecoveryRecord}. */
    static Object decode(LogRecord record) {
        long time = record.getTime();
        Object body = record.getBody();
        if (body instanceof ApplicationStarted b) {
            return new SchedulerEvent.ApplicationStarted(time, b.getAppId(), b.getAttempt(), b.getAppName(),
                    b.getUser(), b.getConf(), b.getRuntime());
        } else if (body instanceof ApplicationEnded b) {
            return new SchedulerEvent.ApplicationEnded(time, b.getStatus(), b.getDiagnostics());
        } else if (body instanceof JobStarted b) {
            return new SchedulerEvent.JobStarted(time, b.getJobId(), b.getDescription(), new ArrayList<>(b.getStageIds()));
        } else if (body instanceof JobFinished b) {
            return new SchedulerEvent.JobFinished(time, b.getJobId(), b.getSucceeded(), b.getFailure());
        } else if (body instanceof StageSubmitted b) {
            return new SchedulerEvent.StageSubmitted(time, b.getStageId(), b.getAttempt(), b.getName(),
                    b.getNumTasks(), b.getJobId(), b.getShuffleId());
        } else if (body instanceof StageCompleted b) {
            return new SchedulerEvent.StageCompleted(time, b.getStageId(), b.getAttempt(), b.getName(), b.getFailure());
        } else if (body instanceof TaskStarted b) {
            return new SchedulerEvent.TaskStarted(time, b.getStageId(), b.getStageAttempt(), b.getTaskId(),
                    b.getPartition(), b.getAttempt(), new ExecutorId(b.getExecutorId()), b.getHost(), b.getLocality());
        } else if (body instanceof TaskEnded b) {
            return new SchedulerEvent.TaskEnded(time, b.getStageId(), b.getStageAttempt(), b.getTaskId(),
                    b.getPartition(), b.getAttempt(), new ExecutorId(b.getExecutorId()), metrics(b.getMetrics()),
                    failure(b.getFailure()));
        } else if (body instanceof ExecutorAdded b) {
            return new SchedulerEvent.ExecutorAdded(time, new ExecutorId(b.getExecutorId()), b.getHost(), b.getCores(),
                    b.getMaxMemoryBytes(), b.getLogUrls());
        } else if (body instanceof ExecutorRemoved b) {
            return new SchedulerEvent.ExecutorRemoved(time, new ExecutorId(b.getExecutorId()), b.getReason());
        } else if (body instanceof BlockUpdated b) {
            return new SchedulerEvent.BlockUpdated(time, new ExecutorId(b.getExecutorId()), b.getNodeId(),
                    b.getPartition(), b.getMemoryBytes(), b.getDiskBytes(), b.getDatasetName(), b.getNumPartitions());
        } else if (body instanceof ActionCompleted b) {
            return new RecoveryRecord.ActionCompleted(b.getSequence(), b.getFingerprint(), b.getDescription(),
                    bytes(b.getResultData()), b.getResultBytes(), b.getNotLoggedReason());
        } else if (body instanceof OutputStarted b) {
            return new RecoveryRecord.OutputStarted(b.getSequence(), b.getFingerprint(), b.getPath());
        } else if (body instanceof OutputCommitted b) {
            return new RecoveryRecord.OutputCommitted(b.getSequence(), b.getFingerprint(), b.getPath());
        } else if (body instanceof CheckpointWritten b) {
            return new RecoveryRecord.CheckpointWritten(b.getSequence(), b.getFingerprint(), b.getNodeId(), b.getDir(),
                    b.getNumPartitions());
        } else if (body instanceof dev.spindle.recovery.log.MapOutputRegistered b) {
            long[] lengths = new long[b.getPartitionLengths().size()];
            for (int i = 0; i < lengths.length; i++) {
                lengths[i] = b.getPartitionLengths().get(i);
            }
            return new RecoveryRecord.MapOutputRegistered(b.getShuffleId(), b.getExecutorId().toString(),
                    b.getHost().toString(), b.getPort(), b.getMapPartition(), b.getMapTaskId(), lengths);
        } else if (body instanceof dev.spindle.recovery.log.CacheRegistered b) {
            return new RecoveryRecord.CacheRegistered(b.getNodeId(), b.getActionFingerprint());
        } else if (body instanceof ShuffleRegistered b) {
            return new RecoveryRecord.ShuffleRegistered(b.getShuffleId(), b.getFingerprint(), b.getNumMapPartitions());
        }
        throw SpindleException.internal("unknown event log record body %s", body == null ? null : body.getClass());
    }

    private static Object encodeBody(SchedulerEvent event) {
        if (event instanceof SchedulerEvent.ApplicationStarted e) {
            return ApplicationStarted.newBuilder().setAppId(e.appId()).setAttempt(e.attempt()).setAppName(e.appName())
                    .setUser(e.user()).setConf(e.conf()).setRuntime(e.runtime()).build();
        } else if (event instanceof SchedulerEvent.ApplicationEnded e) {
            return ApplicationEnded.newBuilder().setStatus(e.status()).setDiagnostics(e.diagnostics()).build();
        } else if (event instanceof SchedulerEvent.JobStarted e) {
            return JobStarted.newBuilder().setJobId(e.jobId()).setDescription(e.description())
                    .setStageIds(e.stageIds()).build();
        } else if (event instanceof SchedulerEvent.JobFinished e) {
            return JobFinished.newBuilder().setJobId(e.jobId()).setSucceeded(e.succeeded()).setFailure(e.failure())
                    .build();
        } else if (event instanceof SchedulerEvent.StageSubmitted e) {
            return StageSubmitted.newBuilder().setStageId(e.stageId()).setAttempt(e.attempt()).setName(e.name())
                    .setNumTasks(e.numTasks()).setJobId(e.jobId()).setShuffleId(e.shuffleId()).build();
        } else if (event instanceof SchedulerEvent.StageCompleted e) {
            return StageCompleted.newBuilder().setStageId(e.stageId()).setAttempt(e.attempt()).setName(e.name())
                    .setFailure(e.failure()).build();
        } else if (event instanceof SchedulerEvent.TaskStarted e) {
            return TaskStarted.newBuilder().setStageId(e.stageId()).setStageAttempt(e.stageAttempt())
                    .setTaskId(e.taskId()).setPartition(e.partition()).setAttempt(e.attempt())
                    .setExecutorId(e.executor().id()).setHost(e.host()).setLocality(e.locality()).build();
        } else if (event instanceof SchedulerEvent.TaskEnded e) {
            return TaskEnded.newBuilder().setStageId(e.stageId()).setStageAttempt(e.stageAttempt())
                    .setTaskId(e.taskId()).setPartition(e.partition()).setAttempt(e.attempt())
                    .setExecutorId(e.executor().id()).setMetrics(metrics(e.metrics()))
                    .setFailure(failure(e.failure())).build();
        } else if (event instanceof SchedulerEvent.ExecutorAdded e) {
            return ExecutorAdded.newBuilder().setExecutorId(e.executor().id()).setHost(e.host()).setCores(e.cores())
                    .setMaxMemoryBytes(e.maxMemoryBytes()).setLogUrls(e.logUrls()).build();
        } else if (event instanceof SchedulerEvent.ExecutorRemoved e) {
            return ExecutorRemoved.newBuilder().setExecutorId(e.executor().id()).setReason(e.reason()).build();
        } else if (event instanceof SchedulerEvent.BlockUpdated e) {
            return BlockUpdated.newBuilder().setExecutorId(e.executor().id()).setNodeId(e.nodeId())
                    .setPartition(e.partition()).setMemoryBytes(e.memoryBytes()).setDiskBytes(e.diskBytes())
                    .setDatasetName(e.datasetName()).setNumPartitions(e.numPartitions()).build();
        }
        throw SpindleException.internal("event log cannot encode %s", event);
    }

    private static Object encodeBody(RecoveryRecord record) {
        if (record instanceof RecoveryRecord.ActionCompleted r) {
            return ActionCompleted.newBuilder().setSequence(r.sequence()).setFingerprint(r.fingerprint())
                    .setDescription(r.description()).setResultData(r.result() == null ? null : ByteBuffer.wrap(r.result()))
                    .setResultBytes(r.resultBytes()).setNotLoggedReason(r.notLoggedReason()).build();
        } else if (record instanceof RecoveryRecord.OutputStarted r) {
            return OutputStarted.newBuilder().setSequence(r.sequence()).setFingerprint(r.fingerprint())
                    .setPath(r.path()).build();
        } else if (record instanceof RecoveryRecord.OutputCommitted r) {
            return OutputCommitted.newBuilder().setSequence(r.sequence()).setFingerprint(r.fingerprint())
                    .setPath(r.path()).build();
        } else if (record instanceof RecoveryRecord.CheckpointWritten r) {
            return CheckpointWritten.newBuilder().setSequence(r.sequence()).setFingerprint(r.fingerprint())
                    .setNodeId(r.nodeId()).setDir(r.dir()).setNumPartitions(r.numPartitions()).build();
        } else if (record instanceof RecoveryRecord.MapOutputRegistered r) {
            List<Long> lengths = new ArrayList<>();
            for (long length : r.partitionLengths()) {
                lengths.add(length);
            }
            return dev.spindle.recovery.log.MapOutputRegistered.newBuilder().setShuffleId(r.shuffleId())
                    .setExecutorId(r.executorId()).setHost(r.host()).setPort(r.port())
                    .setMapPartition(r.mapPartition()).setMapTaskId(r.mapTaskId()).setPartitionLengths(lengths)
                    .build();
        } else if (record instanceof RecoveryRecord.CacheRegistered r) {
            return dev.spindle.recovery.log.CacheRegistered.newBuilder().setNodeId(r.nodeId())
                    .setActionFingerprint(r.actionFingerprint()).build();
        } else if (record instanceof RecoveryRecord.ShuffleRegistered r) {
            return ShuffleRegistered.newBuilder().setShuffleId(r.shuffleId()).setFingerprint(r.fingerprint())
                    .setNumMapPartitions(r.numMapPartitions()).build();
        }
        throw SpindleException.internal("event log cannot encode %s", record);
    }

    private static Map<String, Long> metrics(TaskMetrics metrics) {
        return metrics == null ? null : metrics.toMap();
    }

    private static TaskMetrics metrics(Map<String, Long> values) {
        return values == null ? null : TaskMetrics.fromMap(values);
    }

    private static dev.spindle.recovery.log.TaskFailure failure(TaskFailure failure) {
        if (failure == null) {
            return null;
        }
        TaskFailure.FetchFailure fetch = failure.fetchFailure();
        return dev.spindle.recovery.log.TaskFailure.newBuilder()
                .setReason(TaskFailureReason.valueOf(failure.reason().name()))
                .setExceptionClass(failure.exceptionClass()).setMessage(failure.message())
                .setStackTrace(failure.stackTrace())
                .setFetchFailure(fetch == null ? null : new FetchFailure(fetch.shuffleId(), fetch.mapPartition(),
                        fetch.location()))
                .setMetrics(metrics(failure.metrics())).build();
    }

    private static TaskFailure failure(dev.spindle.recovery.log.TaskFailure failure) {
        if (failure == null) {
            return null;
        }
        FetchFailure fetch = failure.getFetchFailure();
        return new TaskFailure(TaskFailure.Reason.valueOf(failure.getReason().name()), failure.getExceptionClass(),
                failure.getMessage(), failure.getStackTrace(), fetch == null ? null
                        : new TaskFailure.FetchFailure(fetch.getShuffleId(), fetch.getMapPartition(), fetch.getLocation()),
                metrics(failure.getMetrics()));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
