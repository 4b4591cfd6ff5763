package dev.spindle.scheduler.dag;

import dev.spindle.plan.Node;
import dev.spindle.plan.ShuffleDependency;
import dev.spindle.shuffle.MapStatus;
import java.util.List;

/**
 * The DAG scheduler's part in recovery after an ApplicationMaster restart: it tells each new shuffle and each map
 * output to the journal, and takes back the map outputs an earlier attempt computed for the same lineage and that
 * executors kept, so that those map tasks do not run again. Called on the DAG scheduler's thread.
 */
public interface ShuffleRecovery {
    /**
     * A job computing {@code node} is about to be submitted: called on the submitting thread, so that what takes
     * time (fingerprinting the shuffles' lineage, listing input files) stays off the scheduler's thread.
     */
    void jobSubmitting(Node<?> node);

    /** Shuffle {@code dependency} is registered; returns the map outputs of earlier attempts to reuse. */
    List<MapStatus> shuffleRegistered(ShuffleDependency<?, ?, ?> dependency);

    /** A map task's output is registered. */
    void mapOutputRegistered(int shuffleId, MapStatus status);

    /** Shuffle {@code shuffleId} was cleaned up: nothing will read it again. */
    default void shuffleRemoved(int shuffleId) {
    }

    /** No recovery: nothing journaled, nothing reused. */
    static ShuffleRecovery none() {
        return new ShuffleRecovery() {
            @Override
            public void jobSubmitting(Node<?> node) {
            }

            @Override
            public List<MapStatus> shuffleRegistered(ShuffleDependency<?, ?, ?> dependency) {
                return List.of();
            }

            @Override
            public void mapOutputRegistered(int shuffleId, MapStatus status) {
            }
        };
    }
}
