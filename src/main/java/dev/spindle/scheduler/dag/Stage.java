package dev.spindle.scheduler.dag;

import static java.util.Objects.requireNonNull;

import dev.spindle.plan.Node;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A set of tasks that run the same lineage on different partitions, with no shuffle in between.
 * Confined to the DAG scheduler's thread.
 */
abstract sealed class Stage permits ShuffleMapStage, ResultStage {
    private final int id;
    private final Node<?> node;
    private final List<Stage> parents;
    private final int firstJobId;
    private final Set<Integer> jobIds = new HashSet<>();
    /** Partitions of the current attempt still to finish. */
    final Set<Integer> pendingPartitions = new HashSet<>();
    private int nextAttempt;
    private int latestAttempt = -1;
    /** Consecutive attempts that failed on fetch failures; reset on success. */
    int failedAttempts;

    Stage(int id, Node<?> node, List<Stage> parents, int firstJobId) {
        this.id = id;
        this.node = requireNonNull(node, "node is null");
        this.parents = List.copyOf(parents);
        this.firstJobId = firstJobId;
    }

    int id() {
        return id;
    }

    Node<?> node() {
        return node;
    }

    List<Stage> parents() {
        return parents;
    }

    int firstJobId() {
        return firstJobId;
    }

    Set<Integer> jobIds() {
        return jobIds;
    }

    int newAttempt() {
        latestAttempt = nextAttempt++;
        return latestAttempt;
    }

    int latestAttempt() {
        return latestAttempt;
    }

    int numPartitions() {
        return node.numPartitions();
    }

    /** Partitions that must (re)run for this stage to be complete. */
    abstract List<Integer> missingPartitions();

    String name() {
        return node.info().toString();
    }

    @Override
    public String toString() {
        return "stage " + id + " (" + name() + ")";
    }
}
