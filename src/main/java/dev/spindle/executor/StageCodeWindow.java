package dev.spindle.executor;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The stage code an executor keeps for one driver connection, as both ends track it, so that a stage attempt's
 * serialized code crosses the connection once per executor instead of with every task.
 *
 * <p>The driver's side records what it sent (sizes only); the executor's side keeps the bytes. Both apply the same
 * rule to the same sequence of code-carrying {@code LaunchTask}s, in the order the connection delivers them: add
 * the code, then evict the oldest entries while more than {@value #MAX_ENTRIES} are kept or they exceed
 * {@link #MAX_BYTES}; code larger than that budget is never kept. So the driver leaves the code out exactly when
 * the executor has it. A new connection (a new driver, or the same after a restart) starts from an empty window.
 */
public final class StageCodeWindow {
    static final int MAX_ENTRIES = 32;
    static final long MAX_BYTES = 64L << 20;

    private record Entry(int size, byte[] code) {
    }

    private final Map<Long, Entry> entries = new LinkedHashMap<>();
    private long bytes;

    /** The key of stage {@code stageId}'s attempt {@code attempt}, unique within one driver. */
    public static long key(int stageId, int attempt) {
        return ((long) stageId << 32) | (attempt & 0xffffffffL);
    }

    /** Whether the executor keeps this stage attempt's code (driver side: whether it can be left out). */
    public synchronized boolean contains(long key) {
        return entries.containsKey(key);
    }

    /**
     * Records code sent (or received) for {@code key}: {@code size} bytes, the bytes themselves kept only when
     * {@code code} is not null (the executor's side).
     */
    public synchronized void add(long key, int size, byte[] code) {
        if (size > MAX_BYTES) {
            return;
        }
        Entry previous = entries.remove(key);
        if (previous != null) {
            bytes -= previous.size();
        }
        entries.put(key, new Entry(size, code));
        bytes += size;
        Iterator<Entry> oldest = entries.values().iterator();
        while (entries.size() > MAX_ENTRIES || bytes > MAX_BYTES) {
            bytes -= oldest.next().size();
            oldest.remove();
        }
    }

    /** The kept code of {@code key}, or null. */
    public synchronized byte[] code(long key) {
        Entry entry = entries.get(key);
        return entry == null ? null : entry.code();
    }
}
