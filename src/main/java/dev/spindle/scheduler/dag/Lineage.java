package dev.spindle.scheduler.dag;

import dev.spindle.plan.Dependency;
import dev.spindle.plan.NarrowDependency;
import dev.spindle.plan.Node;
import dev.spindle.plan.Partition;
import dev.spindle.plan.ShuffleDependency;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Walks of the lineage graph within one stage (across narrow dependencies only). */
final class Lineage {
    private Lineage() {
    }

    /** The shuffle dependencies reachable from {@code node} through narrow dependencies: its stage's inputs. */
    static List<ShuffleDependency<?, ?, ?>> shuffleDependenciesBelow(Node<?> node) {
        List<ShuffleDependency<?, ?, ?>> result = new ArrayList<>();
        Set<Integer> visited = new HashSet<>();
        ArrayDeque<Node<?>> toVisit = new ArrayDeque<>();
        toVisit.push(node);
        while (!toVisit.isEmpty()) {
            Node<?> current = toVisit.pop();
            if (!visited.add(current.id())) {
                continue;
            }
            for (Dependency<?> dep : current.dependencies()) {
                if (dep instanceof ShuffleDependency<?, ?, ?> shuffle) {
                    if (result.stream().noneMatch(s -> s.shuffleId() == shuffle.shuffleId())) {
                        result.add(shuffle);
                    }
                } else {
                    toVisit.push(dep.parent());
                }
            }
        }
        return result;
    }

    /**
     * Where partition {@code partition} of {@code node} is cheapest to compute: the node's own preference, else
     * that of the first narrow ancestor partition that has one.
     */
    static List<String> preferredHosts(Node<?> node, int partition) {
        return preferredHosts(node, partition, new HashSet<>());
    }

    private static List<String> preferredHosts(Node<?> node, int partition, Set<Long> visited) {
        if (!visited.add(((long) node.id() << 32) | partition)) {
            return List.of();
        }
        Partition part = node.partitions().get(partition);
        List<String> own = node.preferredHosts(part);
        if (!own.isEmpty()) {
            return own;
        }
        for (Dependency<?> dep : node.dependencies()) {
            if (dep instanceof NarrowDependency<?> narrow) {
                for (int parentPartition : narrow.parentPartitions(partition)) {
                    List<String> hosts = preferredHosts(narrow.parent(), parentPartition, visited);
                    if (!hosts.isEmpty()) {
                        return hosts;
                    }
                }
            }
        }
        return List.of();
    }
}
