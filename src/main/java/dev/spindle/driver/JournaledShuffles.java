package dev.spindle.driver;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ExecutorId;
import dev.spindle.plan.Dependency;
import dev.spindle.plan.Lineages;
import dev.spindle.plan.Node;
import dev.spindle.plan.ShuffleDependency;
import dev.spindle.recovery.ActionJournal;
import dev.spindle.recovery.Fingerprints;
import dev.spindle.recovery.RecoveryRecord.MapOutputRegistered;
import dev.spindle.scheduler.dag.ShuffleRecovery;
import dev.spindle.shuffle.MapStatus;
import dev.spindle.shuffle.ReturnedShuffleOutputs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Shuffle recovery through the action journal: each shuffle's fingerprint (its lineage, as for actions) and map
 * outputs are journaled; when a shuffle is registered again after an ApplicationMaster restart, the map outputs an
 * earlier attempt journaled under the same fingerprint are reused if the executor holding each came back with its
 * files.
 */
final class JournaledShuffles implements ShuffleRecovery {
    private static final Logger LOG = LogManager.getLogger(JournaledShuffles.class);

    private final ActionJournal journal;
    private final ReturnedShuffleOutputs returned;
    private final LongFunction<byte[]> broadcasts;
    /** Shuffle id -> the fingerprint of its lineage, computed on the submitting thread. */
    private final Map<Integer, String> fingerprints = new ConcurrentHashMap<>();

    JournaledShuffles(ActionJournal journal, ReturnedShuffleOutputs returned, LongFunction<byte[]> broadcasts) {
        this.journal = requireNonNull(journal, "journal is null");
        this.returned = requireNonNull(returned, "returned is null");
        this.broadcasts = requireNonNull(broadcasts, "broadcasts is null");
    }

    private boolean active() {
        return journal.recording() || returned.executors() > 0;
    }

    @Override
    public void shuffleRemoved(int shuffleId) {
        fingerprints.remove(shuffleId);
    }

    @Override
    public void jobSubmitting(Node<?> node) {
        if (!active()) {
            return;
        }
        for (Node<?> current : Lineages.nodes(node)) {
            for (Dependency<?> dependency : current.dependencies()) {
                if (dependency instanceof ShuffleDependency<?, ?, ?> shuffle
                        && !fingerprints.containsKey(shuffle.shuffleId())) {
                    fingerprints.put(shuffle.shuffleId(), fingerprint(shuffle));
                }
            }
        }
    }

    private String fingerprint(ShuffleDependency<?, ?, ?> dependency) {
        return Fingerprints.lineage(broadcasts, dependency.parent(), dependency);
    }

    @Override
    public List<MapStatus> shuffleRegistered(ShuffleDependency<?, ?, ?> dependency) {
        if (!active()) {
            return List.of();
        }
        int shuffleId = dependency.shuffleId();
        int numMaps = dependency.parent().numPartitions();
        String fingerprint = fingerprints.computeIfAbsent(shuffleId, id -> fingerprint(dependency));
        List<MapStatus> reusable = new ArrayList<>();
        for (MapOutputRegistered output : journal.shuffleRegistered(shuffleId, fingerprint, numMaps)) {
            ExecutorId executor = new ExecutorId(output.executorId());
            if (output.mapPartition() < numMaps && returned.holds(executor, shuffleId, output.mapTaskId())) {
                reusable.add(new MapStatus(executor, output.host(), output.port(), output.mapPartition(),
                        output.mapTaskId(), output.partitionLengths()));
                journal.mapOutputRegistered(output);
            }
        }
        if (!reusable.isEmpty()) {
            LOG.info("Shuffle {}: reusing {} of {} map outputs that executors kept from an earlier attempt",
                    shuffleId, reusable.size(), numMaps);
        }
        return reusable;
    }

    @Override
    public void mapOutputRegistered(int shuffleId, MapStatus status) {
        if (journal.recording()) {
            journal.mapOutputRegistered(new MapOutputRegistered(shuffleId, status.location().id(), status.host(),
                    status.port(), status.mapPartition(), status.mapTaskId(), status.partitionLengths()));
        }
    }
}
