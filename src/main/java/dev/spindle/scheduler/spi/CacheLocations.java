package dev.spindle.scheduler.spi;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ExecutorId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which executors hold a cached partition of a persisted dataset: fed by the backend from what executors report,
 * read by the DAG scheduler so that a task over a cached partition prefers the executor that has it. Thread-safe.
 */
public final class CacheLocations {
    /** An executor and its host. */
    public record Location(ExecutorId executor, String host) {
        public Location {
            requireNonNull(executor, "executor is null");
            requireNonNull(host, "host is null");
        }
    }

    /** What the UI shows of a persisted dataset: its name and partition count. */
    private record Description(String name, int numPartitions) {
    }

    private final Map<Long, Set<Location>> byPartition = new ConcurrentHashMap<>();
    private final Map<Integer, Description> descriptions = new ConcurrentHashMap<>();
    /** Where a BlockUpdated event goes for every change; null: nowhere. */
    private final ListenerBus bus;
    /**
     * Partitions that executors of an earlier ApplicationMaster attempt brought back, by dataset: not used until
     * the journal confirms that this attempt's dataset of that id is the same ({@link #confirmReturned}).
     */
    private final Map<Integer, Map<Long, Set<Location>>> returned = new ConcurrentHashMap<>();

    private static long key(int nodeId, int partition) {
        return ((long) nodeId << 32) | (partition & 0xffffffffL);
    }

    /** Locations without events (tests, tools). */
    public CacheLocations() {
        this(null);
    }

    /** Locations that post a {@link SchedulerEvent.BlockUpdated} to {@code bus} for every partition cached or dropped. */
    public CacheLocations(ListenerBus bus) {
        this.bus = bus;
    }

    /**
     * Names persisted dataset {@code nodeId} and tells its partition count, for the {@link SchedulerEvent.BlockUpdated}
     * events of its partitions; the first description of a dataset stays.
     */
    public void describe(int nodeId, String name, int numPartitions) {
        descriptions.putIfAbsent(nodeId, new Description(requireNonNull(name, "name is null"), numPartitions));
    }

    /** {@code location} caches the partition, in {@code memoryBytes} of memory and {@code diskBytes} on disk. */
    public void added(Location location, int nodeId, int partition, long memoryBytes, long diskBytes) {
        byPartition.computeIfAbsent(key(nodeId, partition), k -> ConcurrentHashMap.newKeySet()).add(location);
        post(location.executor(), nodeId, partition, memoryBytes, diskBytes);
    }

    public void removed(ExecutorId executor, int nodeId, int partition) {
        byPartition.computeIfPresent(key(nodeId, partition), (k, locations) -> {
            locations.removeIf(l -> l.executor().equals(executor));
            return locations.isEmpty() ? null : locations;
        });
        post(executor, nodeId, partition, 0, 0);
    }

    private void post(ExecutorId executor, int nodeId, int partition, long memoryBytes, long diskBytes) {
        if (bus != null) {
            Description description = descriptions.getOrDefault(nodeId, new Description("", 0));
            bus.post(new SchedulerEvent.BlockUpdated(System.currentTimeMillis(), executor, nodeId, partition,
                    memoryBytes, diskBytes, description.name(), description.numPartitions()));
        }
    }

    /** A returning executor holds a partition cached for an earlier attempt; it waits for confirmation. */
    public void returned(Location location, int nodeId, int partition) {
        returned.computeIfAbsent(nodeId, n -> new ConcurrentHashMap<>())
                .computeIfAbsent(key(nodeId, partition), k -> ConcurrentHashMap.newKeySet()).add(location);
    }

    /** Datasets with partitions brought back from an earlier attempt and not yet confirmed or dropped. */
    public Set<Integer> returnedNodes() {
        return Set.copyOf(returned.keySet());
    }

    /** Dataset {@code nodeId} is the earlier attempt's: its returned partitions count as cached from now on. */
    public void confirmReturned(int nodeId) {
        Map<Long, Set<Location>> partitions = returned.remove(nodeId);
        if (partitions != null) {
            partitions.forEach((key, locations) -> byPartition.computeIfAbsent(key,
                    k -> ConcurrentHashMap.newKeySet()).addAll(locations));
        }
    }

    /** The executor is gone, and its cache with it. */
    public void executorLost(ExecutorId executor) {
        byPartition.replaceAll((k, locations) -> {
            locations.removeIf(l -> l.executor().equals(executor));
            return locations;
        });
        byPartition.values().removeIf(Set::isEmpty);
        for (Map<Long, Set<Location>> partitions : returned.values()) {
            partitions.values().forEach(locations -> locations.removeIf(l -> l.executor().equals(executor)));
            partitions.values().removeIf(Set::isEmpty);
        }
        returned.values().removeIf(Map::isEmpty);
    }

    /** The dataset was unpersisted, or its returned partitions belong to another dataset. */
    public void removeNode(int nodeId) {
        byPartition.entrySet().removeIf(entry -> {
            if ((int) (entry.getKey() >>> 32) != nodeId) {
                return false;
            }
            int partition = (int) (long) entry.getKey();
            entry.getValue().forEach(location -> post(location.executor(), nodeId, partition, 0, 0));
            return true;
        });
        returned.remove(nodeId);
    }

    public List<Location> of(int nodeId, int partition) {
        Set<Location> locations = byPartition.get(key(nodeId, partition));
        return locations == null ? List.of() : List.copyOf(locations);
    }
}
