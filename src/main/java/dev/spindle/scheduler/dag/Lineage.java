package dev.spindle.scheduler.dag;

import dev.spindle.common.ExecutorId;
import dev.spindle.plan.Dependency;
import dev.spindle.plan.NarrowDependency;
import dev.spindle.plan.Node;
import dev.spindle.plan.Partition;
import dev.spindle.plan.ShuffleDependency;
import dev.spindle.plan.StorageLevel;
import dev.spindle.scheduler.spi.CacheLocations;
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

    /** Where a task is best run: on one of {@code executors} (they cache its input), else on one of {@code hosts}. */
    record Preference(List<String> hosts, List<ExecutorId> executors) {
        static final Preference NONE = new Preference(List.of(), List.of());

        boolean isEmpty() {
            return hosts.isEmpty() && executors.isEmpty();
        }
    }

    /**
     * Where partition {@code partition} of {@code node} is cheapest to compute: the executors caching it when the
     * node is persisted, else the node's own preferred hosts, else those of the first narrow ancestor partition that
     * has a preference.
     */
    static Preference preference(Node<?> node, int partition, CacheLocations cache) {
        return preference(node, partition, cache, new HashSet<>());
    }

    private static Preference preference(Node<?> node, int partition, CacheLocations cache, Set<Long> visited) {
        if (!visited.add(((long) node.id() << 32) | partition)) {
            return Preference.NONE;
        }
        if (node.storageLevel() != StorageLevel.NONE) {
            cache.describe(node.id(), node.info().operation() + " at " + node.info().callSite(), node.numPartitions());
            List<CacheLocations.Location> cached = cache.of(node.id(), partition);
            if (!cached.isEmpty()) {
                return new Preference(cached.stream().map(CacheLocations.Location::host).distinct().toList(),
                        cached.stream().map(CacheLocations.Location::executor).toList());
            }
        }
        Partition part = node.partitions().get(partition);
        List<String> own = node.preferredHosts(part);
        if (!own.isEmpty()) {
            return new Preference(own, List.of());
        }
        for (Dependency<?> dep : node.dependencies()) {
            if (dep instanceof NarrowDependency<?> narrow) {
                for (int parentPartition : narrow.parentPartitions(partition)) {
                    Preference parent = preference(narrow.parent(), parentPartition, cache, visited);
                    if (!parent.isEmpty()) {
                        return parent;
                    }
                }
            }
        }
        return Preference.NONE;
    }
}
