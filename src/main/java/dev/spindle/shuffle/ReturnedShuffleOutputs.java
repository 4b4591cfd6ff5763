package dev.spindle.shuffle;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ExecutorId;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The map outputs that executors of an earlier ApplicationMaster attempt still hold, as they reported them when
 * they registered with this driver. The DAG scheduler reuses an earlier attempt's map output only when the
 * executor that wrote it is back and still holds its files. Thread-safe.
 */
public final class ReturnedShuffleOutputs {
    private final Map<ExecutorId, Set<MapOutputId>> held = new ConcurrentHashMap<>();

    /** Executor {@code executor} came back holding {@code outputs}. */
    public void executorReturned(ExecutorId executor, Collection<MapOutputId> outputs) {
        requireNonNull(executor, "executor is null");
        held.put(executor, Set.copyOf(outputs));
    }

    /** Executor {@code executor} is gone: its files with it. */
    public void executorLost(ExecutorId executor) {
        held.remove(executor);
    }

    /** True when {@code executor} came back and holds the output of map task {@code mapTaskId} of the shuffle. */
    public boolean holds(ExecutorId executor, int shuffleId, long mapTaskId) {
        Set<MapOutputId> outputs = held.get(executor);
        return outputs != null && outputs.contains(new MapOutputId(shuffleId, mapTaskId));
    }

    /** Executors that came back. */
    public int executors() {
        return held.size();
    }
}
