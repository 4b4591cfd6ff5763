package dev.spindle.recovery;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.SpindleException;
import java.util.Arrays;
import java.util.Objects;

/**
 * What the driver journals in the event log so that the next ApplicationMaster attempt can resume: completed
 * actions, outputs and checkpoints, registered shuffles. Written synchronously by the driver thread (each one is
 * durable before the driver goes on), unlike listener events.
 */
public sealed interface RecoveryRecord {

    /**
     * An action completed.
     *
     * @param sequence the action's position in the driver program, from 0
     * @param fingerprint identifies the action and its lineage; a replay requires a match
     * @param result the serialized result (not copied), or null when it was not logged
     * @param resultBytes the size of the serialized result; -1 when it was not logged (serialization stopped at
     *     the limit, or failed)
     * @param notLoggedReason why the result was not logged (too large), or null when it was
     */
    record ActionCompleted(int sequence, String fingerprint, String description, byte[] result, long resultBytes,
            String notLoggedReason) implements RecoveryRecord {
        public ActionCompleted {
            requireNonNull(fingerprint, "fingerprint is null");
            requireNonNull(description, "description is null");
            SpindleException.checkArgument((result == null) != (notLoggedReason == null),
                    "action %d (%s): exactly one of result and notLoggedReason must be set", sequence, description);
        }

        public static ActionCompleted logged(int sequence, String fingerprint, String description, byte[] result) {
            return new ActionCompleted(sequence, fingerprint, description, result, result.length, null);
        }

        public static ActionCompleted notLogged(int sequence, String fingerprint, String description,
                long resultBytes, String reason) {
            return new ActionCompleted(sequence, fingerprint, description, null, resultBytes, reason);
        }

        /** True when the result is in the log and can be replayed. */
        public boolean replayable() {
            return result != null;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ActionCompleted other && sequence == other.sequence
                    && fingerprint.equals(other.fingerprint) && description.equals(other.description)
                    && Arrays.equals(result, other.result) && resultBytes == other.resultBytes
                    && Objects.equals(notLoggedReason, other.notLoggedReason);
        }

        @Override
        public int hashCode() {
            return Objects.hash(sequence, fingerprint, description, Arrays.hashCode(result), resultBytes,
                    notLoggedReason);
        }

        @Override
        public String toString() {
            return "ActionCompleted[sequence=" + sequence + ", fingerprint=" + fingerprint + ", description="
                    + description + ", resultBytes=" + resultBytes
                    + (result == null ? ", not logged: " + notLoggedReason : ", logged") + "]";
        }
    }

    /** A save action is about to write {@code path}; journaled before the output directory is created. */
    record OutputStarted(int sequence, String fingerprint, String path) implements RecoveryRecord {
        public OutputStarted {
            requireNonNull(fingerprint, "fingerprint is null");
            requireNonNull(path, "path is null");
        }
    }

    /** A save action committed its output at {@code path}. */
    record OutputCommitted(int sequence, String fingerprint, String path) implements RecoveryRecord {
        public OutputCommitted {
            requireNonNull(fingerprint, "fingerprint is null");
            requireNonNull(path, "path is null");
        }
    }

    /** Every partition of dataset {@code nodeId} was checkpointed under {@code dir}. */
    record CheckpointWritten(int sequence, String fingerprint, int nodeId, String dir, int numPartitions)
            implements RecoveryRecord {
        public CheckpointWritten {
            requireNonNull(fingerprint, "fingerprint is null");
            requireNonNull(dir, "dir is null");
        }
    }

    /** A shuffle was registered for the lineage with this fingerprint. */
    record ShuffleRegistered(int shuffleId, String fingerprint, int numMapPartitions) implements RecoveryRecord {
        public ShuffleRegistered {
            requireNonNull(fingerprint, "fingerprint is null");
        }
    }

    /**
     * One map task's output of shuffle {@code shuffleId}: the executor holding it, its block server, and the bytes
     * of each reduce partition. Not durable on its own: flushed with the stage's end.
     */
    record MapOutputRegistered(int shuffleId, String executorId, String host, int port, int mapPartition,
            long mapTaskId, long[] partitionLengths) implements RecoveryRecord {
        public MapOutputRegistered {
            requireNonNull(executorId, "executorId is null");
            requireNonNull(host, "host is null");
            partitionLengths = partitionLengths.clone();
        }

        @Override
        public long[] partitionLengths() {
            return partitionLengths.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MapOutputRegistered other && shuffleId == other.shuffleId
                    && executorId.equals(other.executorId) && host.equals(other.host) && port == other.port
                    && mapPartition == other.mapPartition && mapTaskId == other.mapTaskId
                    && Arrays.equals(partitionLengths, other.partitionLengths);
        }

        @Override
        public int hashCode() {
            return Objects.hash(shuffleId, executorId, host, port, mapPartition, mapTaskId,
                    Arrays.hashCode(partitionLengths));
        }
    }

    /**
     * Persisted dataset {@code nodeId} takes part, for the first time, in the action with this fingerprint. A later
     * attempt whose action of the same fingerprint comes round computes the same dataset under the same id, so the
     * partitions that executors kept cached are its own.
     */
    record CacheRegistered(int nodeId, String actionFingerprint) implements RecoveryRecord {
        public CacheRegistered {
            requireNonNull(actionFingerprint, "actionFingerprint is null");
        }
    }
}
