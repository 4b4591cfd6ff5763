package dev.spindle.plan;

import dev.spindle.common.Pair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * Groups the values of several pair parents by key: for each key, one list of values per parent. A parent
 * already partitioned by the target partitioner is read directly (a narrow dependency: PageRank's cached
 * links are never reshuffled); the others are shuffled.
 *
 * <p>The groups of one partition are held in memory; partitions must fit in the task's heap.
 */
public final class CoGroupedNode<K> extends Node<Pair<K, List<List<Object>>>> {
    private static final long serialVersionUID = 1L;

    private final Partitioner partitioner;

    public CoGroupedNode(NodeInfo info, List<Node<? extends Pair<K, ?>>> parents, Partitioner partitioner,
            IntSupplier newShuffleId) {
        super(info, CoPartitioning.dependencies(parents, partitioner, newShuffleId));
        this.partitioner = partitioner;
    }

    @Override
    protected List<Partition> computePartitions() {
        return CoPartitioning.partitions(dependencies(), partitioner);
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    protected Iterator<Pair<K, List<List<Object>>>> compute(Partition partition, TaskContext context) {
        List<Dependency<?>> deps = dependencies();
        int n = deps.size();
        Map<K, List<Object>[]> groups = new HashMap<>();
        for (int d = 0; d < n; d++) {
            Iterator<? extends Pair<K, ?>> input = CoPartitioning.input(deps, d, partition, context);
            while (input.hasNext()) {
                Pair<K, ?> record = input.next();
                List<Object>[] lists = groups.computeIfAbsent(record.key(), k -> newLists(n));
                lists[d].add(record.value());
            }
        }
        Iterator<Map.Entry<K, List<Object>[]>> entries = groups.entrySet().iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return entries.hasNext();
            }

            @Override
            public Pair<K, List<List<Object>>> next() {
                Map.Entry<K, List<Object>[]> e = entries.next();
                return Pair.of(e.getKey(), Arrays.asList(e.getValue()));
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static List<Object>[] newLists(int n) {
        List<Object>[] lists = new List[n];
        for (int i = 0; i < n; i++) {
            lists[i] = new ArrayList<>(2);
        }
        return lists;
    }

    @Override
    public Optional<Partitioner> partitioner() {
        return Optional.of(partitioner);
    }
}
