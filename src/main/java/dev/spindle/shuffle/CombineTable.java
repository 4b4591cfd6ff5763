package dev.spindle.shuffle;

import dev.spindle.common.Pair;
import dev.spindle.common.SpindleException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The map-side (and reduce-side) combining table: one open-addressing hash table for the keys of all reduce
 * partitions, keys and combiners side by side in chunked arrays. One probe per record, instead of the get + put of a
 * {@code HashMap} per partition, and no entry objects: for a word count this is most of the map task's time.
 *
 * <p>Not thread-safe: one task owns it.
 */
final class CombineTable {
    private static final Object NULL_KEY = new Object();
    private static final double LOAD = 0.6;

    /** Turns the first value of a key into its combiner, and merges later values into it. */
    interface Merger {
        Object first(Object value);

        Object merge(Object combiner, Object value);
    }

    /*
     * Keys and combiners live in chunks of CHUNK_SLOTS slots (key at 2 * i, combiner at 2 * i + 1 of a chunk; a
     * null key marks a free slot), not in one array: a reference array past half a G1 region is "humongous",
     * allocated straight into the old generation, and every young combiner stored into it (a new Integer per
     * reduceByKey update) then costs a dirty card that G1's refinement threads must scan, on the same 2 cores as
     * the tasks. Small chunks start young, where stores need no remembered-set work. Measured on word count,
     * 537 MB in local[2]: 17.7 s with one array, 12.7 s with 2 MB regions that kept it young.
     */
    private static final int CHUNK_SHIFT = 14;
    private static final int CHUNK_SLOTS = 1 << CHUNK_SHIFT;
    private static final int CHUNK_MASK = CHUNK_SLOTS - 1;

    /*
     * Integer, Long and Double combiners (a count, a sum, a rank) are kept unboxed in prims, their chunk cell
     * holding one of these markers instead. Updating one then writes a long, not a reference: a table that lives
     * long enough to be promoted (PageRank's 500k-key tables do) would otherwise dirty a G1 card with every
     * young box stored into it, and the refinement and remembered-set scanning that follow cost more than the
     * update itself. The merge function still sees a boxed value, boxed afresh.
     */
    private static final Object INT = new Object();
    private static final Object LONG = new Object();
    private static final Object DOUBLE = new Object();

    private Object[][] chunks;
    private long[] prims;
    private int[] hashes;
    private int[] partitions;
    private int mask;
    private int size;
    private int growAt;

    CombineTable() {
        allocate(64);
    }

    private void allocate(int capacity) {
        int perChunk = Math.min(capacity, CHUNK_SLOTS);
        chunks = new Object[capacity / perChunk][];
        for (int c = 0; c < chunks.length; c++) {
            chunks[c] = new Object[2 * perChunk];
        }
        prims = new long[capacity];
        hashes = new int[capacity];
        partitions = new int[capacity];
        mask = capacity - 1;
        growAt = (int) (capacity * LOAD);
    }

    int size() {
        return size;
    }

    private Object[] chunk(int slot) {
        return chunks[slot >>> CHUNK_SHIFT];
    }

    private static int index(int slot) {
        return 2 * (slot & CHUNK_MASK);
    }

    /** Adds {@code value} under {@code key} (in reduce partition {@code partition}); true when the key was new. */
    boolean update(int partition, Object key, Object value, Merger merger) {
        Object k = key == null ? NULL_KEY : key;
        int hash = key == null ? 0 : key.hashCode();
        int slot = spread(hash) & mask;
        while (true) {
            Object[] chunk = chunk(slot);
            int i = index(slot);
            Object current = chunk[i];
            if (current == null) {
                Object combiner = merger.first(value); // before the key goes in: user code may throw
                chunk[i] = k;
                store(chunk, i, slot, combiner);
                hashes[slot] = hash;
                partitions[slot] = partition;
                if (++size > growAt) {
                    grow();
                }
                return true;
            }
            if (hashes[slot] == hash && (current == k || current.equals(k))) {
                store(chunk, i, slot, merger.merge(combiner(chunk, i, slot), value));
                return false;
            }
            slot = (slot + 1) & mask;
        }
    }

    /** Keeps {@code combiner} at {@code slot}; writes the chunk cell only when it changes (see prims). */
    private void store(Object[] chunk, int i, int slot, Object combiner) {
        Object cell;
        if (combiner instanceof Integer n) {
            prims[slot] = n;
            cell = INT;
        } else if (combiner instanceof Long n) {
            prims[slot] = n;
            cell = LONG;
        } else if (combiner instanceof Double d) {
            prims[slot] = Double.doubleToRawLongBits(d);
            cell = DOUBLE;
        } else {
            cell = combiner;
        }
        if (chunk[i + 1] != cell) {
            chunk[i + 1] = cell;
        }
    }

    private Object combiner(Object[] chunk, int i, int slot) {
        Object cell = chunk[i + 1];
        if (cell == INT) {
            return (int) prims[slot];
        } else if (cell == LONG) {
            return prims[slot];
        } else if (cell == DOUBLE) {
            return Double.longBitsToDouble(prims[slot]);
        }
        return cell;
    }

    private static int spread(int hash) {
        int h = hash * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    private void grow() {
        SpindleException.checkState(hashes.length < (1 << 29), "combine table cannot grow past %d keys", size);
        Object[][] oldChunks = chunks;
        long[] oldPrims = prims;
        int[] oldHashes = hashes;
        int[] oldPartitions = partitions;
        int oldPerChunk = oldChunks[0].length / 2;
        allocate(hashes.length * 2);
        for (int old = 0; old < oldHashes.length; old++) {
            Object[] oldChunk = oldChunks[old / oldPerChunk];
            int oldIndex = 2 * (old % oldPerChunk);
            if (oldChunk[oldIndex] != null) {
                int slot = spread(oldHashes[old]) & mask;
                while (chunk(slot)[index(slot)] != null) {
                    slot = (slot + 1) & mask;
                }
                Object[] chunk = chunk(slot);
                chunk[index(slot)] = oldChunk[oldIndex];
                chunk[index(slot) + 1] = oldChunk[oldIndex + 1];
                prims[slot] = oldPrims[old];
                hashes[slot] = oldHashes[old];
                partitions[slot] = oldPartitions[old];
            }
        }
    }

    /**
     * Entries grouped by partition, each group in ascending key-hash order (the order spilled runs are written
     * and merged in). The table must not change while the view is read.
     */
    Grouped grouped(int numPartitions) {
        int[] starts = new int[numPartitions + 1];
        for (int slot = 0; slot < hashes.length; slot++) {
            if (chunk(slot)[index(slot)] != null) {
                starts[partitions[slot] + 1]++;
            }
        }
        for (int p = 0; p < numPartitions; p++) {
            starts[p + 1] += starts[p];
        }
        long[] order = new long[size]; // hash in the high half, slot in the low half: sorting orders by hash
        int[] fill = Arrays.copyOf(starts, numPartitions);
        for (int slot = 0; slot < hashes.length; slot++) {
            if (chunk(slot)[index(slot)] != null) {
                order[fill[partitions[slot]]++] = ((long) hashes[slot] << 32) | slot;
            }
        }
        for (int p = 0; p < numPartitions; p++) {
            Arrays.sort(order, starts[p], starts[p + 1]);
        }
        return new Grouped(order, starts);
    }

    /** A partition-grouped, hash-ordered view of the table. */
    final class Grouped {
        private final long[] order;
        private final int[] starts;

        private Grouped(long[] order, int[] starts) {
            this.order = order;
            this.starts = starts;
        }

        Iterator<Pair<Object, Object>> partition(int partition) {
            int end = starts[partition + 1];
            return new Iterator<>() {
                private int next = starts[partition];

                @Override
                public boolean hasNext() {
                    return next < end;
                }

                @Override
                public Pair<Object, Object> next() {
                    if (next >= end) {
                        throw new NoSuchElementException();
                    }
                    int slot = (int) order[next++];
                    Object[] chunk = chunk(slot);
                    Object key = chunk[index(slot)];
                    return Pair.of(key == NULL_KEY ? null : key, combiner(chunk, index(slot), slot));
                }
            };
        }
    }
}
