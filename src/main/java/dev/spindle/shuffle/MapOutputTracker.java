package dev.spindle.shuffle;

import dev.spindle.common.ExecutorId;
import dev.spindle.common.SpindleException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The driver's record of which map outputs of each shuffle exist, and where. Thread-safe. Its {@link #epoch()} grows
 * whenever an output is forgotten, so that executors caching the statuses know when to ask again.
 */
public final class MapOutputTracker implements MapOutputLocator {
    private final Map<Integer, MapStatus[]> shuffles = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong epoch = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Grows each time an output is forgotten (lost, or its shuffle removed): statuses read at an earlier epoch may
     * name outputs that are gone. Registering outputs does not change it: statuses are only handed out complete.
     */
    @Override
    public long epoch() {
        return epoch.get();
    }

    public void registerShuffle(int shuffleId, int numMaps) {
        shuffles.putIfAbsent(shuffleId, new MapStatus[numMaps]);
    }

    public boolean containsShuffle(int shuffleId) {
        return shuffles.containsKey(shuffleId);
    }

    public void unregisterShuffle(int shuffleId) {
        if (shuffles.remove(shuffleId) != null) {
            epoch.incrementAndGet();
        }
    }

    /** Shuffles registered now. */
    public int shuffleCount() {
        return shuffles.size();
    }

    public void registerMapOutput(int shuffleId, MapStatus status) {
        MapStatus[] outputs = outputs(shuffleId);
        synchronized (outputs) {
            outputs[status.mapPartition()] = status;
        }
    }

    /** Forgets map output {@code mapPartition} if it is still the one on {@code location}. */
    public void unregisterMapOutput(int shuffleId, int mapPartition, ExecutorId location) {
        MapStatus[] outputs = shuffles.get(shuffleId);
        if (outputs == null) {
            return;
        }
        synchronized (outputs) {
            MapStatus status = outputs[mapPartition];
            if (status != null && (location == null || status.location().equals(location))) {
                outputs[mapPartition] = null;
                epoch.incrementAndGet();
            }
        }
    }

    /** Forgets every output of shuffle {@code shuffleId} on {@code executor}; returns how many it forgot. */
    public int removeShuffleOutputsOnExecutor(int shuffleId, ExecutorId executor) {
        MapStatus[] outputs = shuffles.get(shuffleId);
        if (outputs == null) {
            return 0;
        }
        int removed = 0;
        synchronized (outputs) {
            for (int i = 0; i < outputs.length; i++) {
                if (outputs[i] != null && outputs[i].location().equals(executor)) {
                    outputs[i] = null;
                    removed++;
                }
            }
        }
        if (removed > 0) {
            epoch.incrementAndGet();
        }
        return removed;
    }

    /** Forgets every map output on {@code executor}; returns the shuffles that lost some. */
    public List<Integer> removeOutputsOnExecutor(ExecutorId executor) {
        return removeOutputs(status -> status.location().equals(executor));
    }

    /** Forgets every output that {@code lost} matches; returns the shuffles affected. */
    private List<Integer> removeOutputs(java.util.function.Predicate<MapStatus> lost) {
        List<Integer> affected = new ArrayList<>();
        shuffles.forEach((shuffleId, outputs) -> {
            synchronized (outputs) {
                for (int i = 0; i < outputs.length; i++) {
                    if (outputs[i] != null && lost.test(outputs[i])) {
                        outputs[i] = null;
                        if (!affected.contains(shuffleId)) {
                            affected.add(shuffleId);
                        }
                    }
                }
            }
        });
        if (!affected.isEmpty()) {
            epoch.incrementAndGet();
        }
        return affected;
    }

    /**
     * Forgets every output served from where {@code executor}'s outputs are (with a shuffle service, the address of
     * its node's service: a failed fetch from it means the service, and so every output it served, is gone; other
     * nodes of the same host name, as in an embedded cluster, have services of their own); returns the shuffles
     * affected.
     */
    public List<Integer> removeOutputsServedWith(ExecutorId executor) {
        MapStatus served = null;
        for (MapStatus[] outputs : shuffles.values()) {
            synchronized (outputs) {
                for (MapStatus status : outputs) {
                    if (status != null && status.location().equals(executor)) {
                        served = status;
                    }
                }
            }
        }
        if (served == null) {
            return List.of();
        }
        String host = served.host();
        int port = served.port();
        return removeOutputs(status -> status.host().equals(host) && status.port() == port);
    }

    public List<Integer> missingMapPartitions(int shuffleId) {
        MapStatus[] outputs = outputs(shuffleId);
        List<Integer> missing = new ArrayList<>();
        synchronized (outputs) {
            for (int i = 0; i < outputs.length; i++) {
                if (outputs[i] == null) {
                    missing.add(i);
                }
            }
        }
        return missing;
    }

    public boolean isComplete(int shuffleId) {
        MapStatus[] outputs = shuffles.get(shuffleId);
        if (outputs == null) {
            return false;
        }
        synchronized (outputs) {
            return Arrays.stream(outputs).allMatch(java.util.Objects::nonNull);
        }
    }

    @Override
    public List<MapStatus> statuses(int shuffleId) {
        MapStatus[] outputs = shuffles.get(shuffleId);
        if (outputs == null) {
            throw new FetchFailedException(shuffleId, -1, "driver", "shuffle is not registered", null);
        }
        synchronized (outputs) {
            for (int i = 0; i < outputs.length; i++) {
                if (outputs[i] == null) {
                    throw new FetchFailedException(shuffleId, i, "unknown", "map output is missing", null);
                }
            }
            return List.of(outputs.clone());
        }
    }

    private MapStatus[] outputs(int shuffleId) {
        MapStatus[] outputs = shuffles.get(shuffleId);
        if (outputs == null) {
            throw SpindleException.internal("shuffle %d is not registered with the map output tracker", shuffleId);
        }
        return outputs;
    }
}
