package dev.spindle.recovery;

import static java.util.Objects.requireNonNull;

import dev.spindle.plan.Node;
import dev.spindle.recovery.RecoveryRecord.ActionCompleted;
import dev.spindle.recovery.RecoveryRecord.CheckpointWritten;
import dev.spindle.recovery.RecoveryRecord.MapOutputRegistered;
import dev.spindle.recovery.RecoveryRecord.ShuffleRegistered;
import dev.spindle.recovery.RecoveryRecord.OutputCommitted;
import dev.spindle.recovery.RecoveryRecord.OutputStarted;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongFunction;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The driver program's actions, in order, as recovery sees them. Each action takes the next slot; its fingerprint
 * chains the one before it with what it computes ({@link Fingerprints}). While the program retraces what an
 * earlier ApplicationMaster attempt journaled, an action whose fingerprint matches a completed one is replayed:
 * its logged result is returned, its committed output kept, its checkpoint read back. The first action that cannot
 * be replayed runs, and so does every action after it: from there the program runs as usual. One log line per
 * action says which, and why.
 *
 * <p>Called from the program's thread(s); synchronized.
 */
public final class ActionJournal {
    private static final Logger LOG = LogManager.getLogger(ActionJournal.class);

    /** Where the journal goes: the attempt's event log. */
    public interface Log {
        /** Appends {@code record} and makes it durable before returning. */
        void record(RecoveryRecord record);

        /** Appends {@code record}; it becomes durable with the next stage or job boundary. */
        void append(RecoveryRecord record);
    }

    private final Log recorder;
    /** Shuffle id -> fingerprint -> map partition -> the output an earlier attempt registered. */
    private final Map<Integer, Map<String, Map<Integer, MapOutputRegistered>>> earlierMapOutputs = new HashMap<>();
    private final long maxResultBytes;
    private final String earlierAttempts;
    private final Map<String, ActionCompleted> completed = new HashMap<>();
    private final Map<String, OutputStarted> outputsStarted = new HashMap<>();
    private final Map<String, OutputCommitted> outputsCommitted = new HashMap<>();
    private final Map<String, CheckpointWritten> checkpoints = new HashMap<>();
    /** Persisted dataset id -> the fingerprints of the actions that first used it, in earlier attempts. */
    private final Map<Integer, Set<String>> earlierCacheUses = new HashMap<>();
    /** Persisted datasets whose first use this attempt has journaled. */
    private final Set<Integer> cacheUses = new HashSet<>();
    private final boolean enabled;
    private final boolean resuming;
    private int nextSequence;
    private String previous = "";
    private boolean replaying;

    /**
     * @param recorder the attempt's event log; null: nothing is journaled
     * @param earlier the records of earlier attempts, oldest first
     * @param earlierAttempts names those attempts in log lines (for example "attempt 1"); empty for a first attempt,
     *     which has none (its actions are then logged at DEBUG, not one INFO line each)
     * @param maxResultBytes the largest action result journaled ({@code spindle.recovery.maxResultBytes})
     */
    public ActionJournal(Log recorder, List<RecoveryRecord> earlier, String earlierAttempts, long maxResultBytes) {
        this.recorder = recorder;
        this.earlierAttempts = requireNonNull(earlierAttempts, "earlierAttempts is null");
        this.maxResultBytes = maxResultBytes;
        Map<Integer, String> shuffleFingerprints = new HashMap<>();
        for (RecoveryRecord record : earlier) {
            if (record instanceof ShuffleRegistered shuffle) {
                shuffleFingerprints.put(shuffle.shuffleId(), shuffle.fingerprint());
            } else if (record instanceof MapOutputRegistered output
                    && shuffleFingerprints.containsKey(output.shuffleId())) {
                earlierMapOutputs.computeIfAbsent(output.shuffleId(), s -> new HashMap<>())
                        .computeIfAbsent(shuffleFingerprints.get(output.shuffleId()), f -> new HashMap<>())
                        .put(output.mapPartition(), output);
            } else if (record instanceof RecoveryRecord.CacheRegistered cache) {
                earlierCacheUses.computeIfAbsent(cache.nodeId(), n -> new HashSet<>())
                        .add(cache.actionFingerprint());
            } else if (record instanceof ActionCompleted action) {
                completed.put(action.fingerprint(), action);
            } else if (record instanceof OutputStarted output) {
                outputsStarted.put(output.fingerprint(), output);
            } else if (record instanceof OutputCommitted output) {
                outputsCommitted.put(output.fingerprint(), output);
            } else if (record instanceof CheckpointWritten checkpoint) {
                checkpoints.put(checkpoint.fingerprint(), checkpoint);
            }
        }
        this.resuming = !earlierAttempts.isEmpty();
        this.replaying = resuming;
        this.enabled = recorder != null || resuming;
    }

    /** A journal that records nothing and replays nothing (no event log). */
    public static ActionJournal disabled() {
        return new ActionJournal(null, List.of(), "", 0);
    }

    /** One action's place in the program. */
    public final class Slot {
        private final int sequence;
        private final String fingerprint;
        private final String description;

        private Slot(int sequence, String fingerprint, String description) {
            this.sequence = sequence;
            this.fingerprint = fingerprint;
            this.description = description;
        }

        public int sequence() {
            return sequence;
        }

        /** The action's fingerprint; empty when the journal is disabled. */
        public String fingerprint() {
            return fingerprint;
        }

        /**
         * The result an earlier attempt logged for this action, when it can be replayed; empty means the action
         * runs (and every later one too). Logs the decision.
         */
        public Optional<byte[]> replayResult() {
            synchronized (ActionJournal.this) {
                if (!replayable()) {
                    return Optional.empty();
                }
                ActionCompleted logged = completed.get(fingerprint);
                if (logged == null) {
                    return run(notFound());
                }
                if (!logged.replayable()) {
                    return run("its result was not logged by " + earlierAttempts + " (" + logged.notLoggedReason()
                            + ")");
                }
                LOG.info("Action {} ({}): replayed; its result ({} bytes) was logged by {}", sequence, description,
                        logged.resultBytes(), earlierAttempts);
                return Optional.of(logged.result());
            }
        }

        /** Journals this action's result, serialized (at most {@link #maxResultBytes()}). */
        public void completed(byte[] result) {
            if (result.length > maxResultBytes) {
                completedUnlogged("its " + result.length + " bytes pass spindle.recovery.maxResultBytes="
                        + maxResultBytes);
            } else {
                record(ActionCompleted.logged(sequence, fingerprint, description, result));
            }
        }

        /** Journals that this action completed without its result ({@code reason}): a later attempt reruns it. */
        public void completedUnlogged(String reason) {
            record(ActionCompleted.notLogged(sequence, fingerprint, description, -1, reason));
        }

        @Override
        public String toString() {
            return "Action " + sequence + " (" + description + ")";
        }

        /**
         * What an earlier attempt did with this save action's output: committed it, started it, or nothing
         * replayable (logged as run). The caller keeps a committed output ({@link #replayedOutput}) or runs the
         * action ({@link #runs}).
         */
        public OutputHistory outputHistory() {
            synchronized (ActionJournal.this) {
                if (!replayable()) {
                    return OutputHistory.NONE;
                }
                if (outputsCommitted.containsKey(fingerprint)) {
                    return OutputHistory.COMMITTED;
                }
                if (outputsStarted.containsKey(fingerprint)) {
                    return OutputHistory.STARTED;
                }
                run(notFound());
                return OutputHistory.NONE;
            }
        }

        /** Logs that this save action is replayed: its output, committed by an earlier attempt, is kept. */
        public void replayedOutput(String path) {
            LOG.info("Action {} ({}): replayed; its output {} was committed by {} and is kept", sequence,
                    description, path, earlierAttempts);
        }

        /** Logs that this action runs, and why; every later action runs too. */
        public void runs(String reason) {
            synchronized (ActionJournal.this) {
                run(reason);
            }
        }

        /** Journals, durably, that this save action is about to write {@code path}. */
        public void outputStarted(String path) {
            record(new OutputStarted(sequence, fingerprint, path));
        }

        /** Journals, durably, that this save action committed {@code path}. */
        public void outputCommitted(String path) {
            record(new OutputCommitted(sequence, fingerprint, path));
        }

        /** The checkpoint an earlier attempt wrote for this checkpoint job, when it can be read back. */
        public Optional<CheckpointWritten> replayCheckpoint() {
            synchronized (ActionJournal.this) {
                if (!replayable()) {
                    return Optional.empty();
                }
                CheckpointWritten written = checkpoints.get(fingerprint);
                if (written == null) {
                    run(notFound());
                    return Optional.empty();
                }
                return Optional.of(written);
            }
        }

        /** Logs that this checkpoint is read back from the files an earlier attempt wrote. */
        public void replayedCheckpoint(CheckpointWritten written) {
            LOG.info("Action {} ({}): replayed; dataset {} is read back from its checkpoint in {}, written by {}",
                    sequence, description, written.nodeId(), written.dir(), earlierAttempts);
        }

        /** Journals, durably, that this checkpoint job wrote every partition of {@code nodeId} under {@code dir}. */
        public void checkpointWritten(int nodeId, String dir, int numPartitions) {
            record(new CheckpointWritten(sequence, fingerprint, nodeId, dir, numPartitions));
        }

        private boolean replayable() {
            if (replaying) {
                return true;
            }
            if (resuming) {
                LOG.info("Action {} ({}): run; an earlier action of this attempt ran, so the program runs as usual "
                        + "from there", sequence, description);
            } else if (enabled) {
                LOG.debug("Action {} ({}): run", sequence, description);
            }
            return false;
        }

        private String notFound() {
            return "no earlier attempt completed it with this fingerprint (it did not finish before the "
                    + "ApplicationMaster was lost, or the program or its input changed)";
        }

        private <T> Optional<T> run(String reason) {
            replaying = false;
            LOG.info("Action {} ({}): run; {}; every later action runs too", sequence, description, reason);
            return Optional.empty();
        }
    }

    /** What an earlier attempt did with a save action's output. */
    public enum OutputHistory { NONE, STARTED, COMMITTED }

    /**
     * The next action's slot: {@code kind} (collect, count, saveAsTextFile, checkpoint...) computing
     * {@code node} with the action's own {@code parts} (its function, its output path...); {@code broadcasts}
     * gives the bytes of the broadcast values its closures capture.
     */
    public synchronized Slot begin(String kind, String description, LongFunction<byte[]> broadcasts, Node<?> node,
            Object... parts) {
        int sequence = nextSequence++;
        if (!enabled) {
            return new Slot(sequence, "", description);
        }
        String fingerprint = Fingerprints.action(previous, sequence, kind, Fingerprints.lineage(broadcasts, node,
                parts));
        previous = fingerprint;
        return new Slot(sequence, fingerprint, description);
    }

    /** The largest serialized action result journaled ({@code spindle.recovery.maxResultBytes}). */
    public long maxResultBytes() {
        return maxResultBytes;
    }

    /** True when completed actions are journaled (an event log is being written). */
    public boolean recording() {
        return recorder != null;
    }

    /** True while the program is still retracing an earlier attempt's actions. */
    public synchronized boolean replaying() {
        return replaying;
    }

    /**
     * Journals that shuffle {@code shuffleId} computes the lineage with {@code fingerprint}, and returns the map
     * outputs earlier attempts registered for the same shuffle and fingerprint: candidates for reuse, if the
     * executors holding them came back.
     */
    public synchronized List<MapOutputRegistered> shuffleRegistered(int shuffleId, String fingerprint,
            int numMapPartitions) {
        if (recorder != null) {
            recorder.append(new ShuffleRegistered(shuffleId, fingerprint, numMapPartitions));
        }
        return List.copyOf(earlierMapOutputs.getOrDefault(shuffleId, Map.of()).getOrDefault(fingerprint, Map.of())
                .values());
    }

    /**
     * Notes the persisted datasets {@code nodeIds} that {@code slot}'s action uses; for each used here for the
     * first time, journals the use and says whether an earlier attempt first used it in an action of the same
     * fingerprint (then partitions that executors kept cached are this dataset's).
     */
    public synchronized Map<Integer, Boolean> firstUses(Slot slot, Collection<Integer> nodeIds) {
        Map<Integer, Boolean> first = new HashMap<>();
        for (int nodeId : nodeIds) {
            if (!cacheUses.add(nodeId)) {
                continue;
            }
            if (slot.fingerprint().isEmpty()) {
                first.put(nodeId, false); // no journal, no way to tell: never the earlier attempt's
                continue;
            }
            if (recorder != null) {
                recorder.append(new RecoveryRecord.CacheRegistered(nodeId, slot.fingerprint()));
            }
            first.put(nodeId, earlierCacheUses.getOrDefault(nodeId, Set.of())
                    .contains(slot.fingerprint()));
        }
        return first;
    }

    /** Journals a map output (not durably: it is flushed with the stage's end; a lost one is recomputed). */
    public void mapOutputRegistered(MapOutputRegistered output) {
        if (recorder != null) {
            recorder.append(output);
        }
    }

    private void record(RecoveryRecord record) {
        if (recorder != null) {
            recorder.record(record);
        }
    }
}
