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
    private final Map<ExecutorId, Set<String>> held = new ConcurrentHashMap<>();

    /** Executor {@code executor} came back holding {@code outputs}, {@code {shuffleId, mapTaskId}} pairs. */
    public void executorReturned(ExecutorId executor, Collection<long[]> outputs) {
        requireNonNull(executor, "executor is null");
        Set<String> keys = ConcurrentHashMap.newKeySet();
        for (long[] output : outputs) {
            keys.add(key((int) output[0], output[1]));
        }
        held.put(executor, keys);
    }

    /** Executor {@code executor} is gone: its files with it. */
    public void executorLost(ExecutorId executor) {
        held.remove(executor);
    }

    /** True when {@code executor} came back and holds the output of map task {@code mapTaskId} of the shuffle. */
    public boolean holds(ExecutorId executor, int shuffleId, long mapTaskId) {
        Set<String> keys = held.get(executor);
        return keys != null && keys.contains(key(shuffleId, mapTaskId));
    }

    /** Executors that came back. */
    public int executors() {
        return held.size();
    }

    private static String key(int shuffleId, long mapTaskId) {
        return shuffleId + "/" + mapTaskId;
    }
}
