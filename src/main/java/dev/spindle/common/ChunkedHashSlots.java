package dev.spindle.common;

/**
 * The open-addressing core of the engine's per-task hash tables (the shuffle's combine table, the hash join's
 * build side): linear probing at load 0.6, each slot a key and a value side by side, plus the key's hash and,
 * for subclasses that ask, a long and an int. Not a {@code HashMap}: no entry object per key, one probe per
 * lookup.
 *
 * <p>Keys and values live in chunks of CHUNK_SLOTS slots, not in one array. A reference array past half a G1
 * region is "humongous", allocated straight into the old generation, and every young object stored into it
 * then dirties a card that G1's refinement threads scan, on the same cores as the tasks; small chunks start
 * young, where stores need no remembered-set work. (Word count, 537 MB in local[2]: 17.7 s with one array,
 * 12.7 s once the table stayed young.)
 *
 * <p>Not thread-safe: one task owns a table.
 */
public abstract class ChunkedHashSlots {
    private static final Object NULL_KEY = new Object();
    private static final double LOAD = 0.6;
    private static final int CHUNK_SHIFT = 14;
    private static final int CHUNK_SLOTS = 1 << CHUNK_SHIFT;
    private static final int CHUNK_MASK = CHUNK_SLOTS - 1;

    private final boolean withLongs;
    private final boolean withInts;
    private Object[][] chunks; // key at 2 * i, value at 2 * i + 1 of a chunk; a null key marks a free slot
    private int[] hashes;
    private long[] longs;
    private int[] ints;
    private int mask;
    private int size;
    private int growAt;

    protected ChunkedHashSlots(boolean withLongs, boolean withInts) {
        this.withLongs = withLongs;
        this.withInts = withInts;
        allocate(64);
    }

    private void allocate(int capacity) {
        int perChunk = Math.min(capacity, CHUNK_SLOTS);
        chunks = new Object[capacity / perChunk][];
        for (int c = 0; c < chunks.length; c++) {
            chunks[c] = new Object[2 * perChunk];
        }
        hashes = new int[capacity];
        longs = withLongs ? new long[capacity] : null;
        ints = withInts ? new int[capacity] : null;
        mask = capacity - 1;
        growAt = (int) (capacity * LOAD);
    }

    /** The hash every method here expects for {@code key}. */
    protected static int hash(Object key) {
        return key == null ? 0 : key.hashCode();
    }

    /** Keys held. */
    public int size() {
        return size;
    }

    /** Slots, occupied or not: slot numbers run from 0 to this, exclusive. */
    protected final int capacity() {
        return mask + 1;
    }

    /** The slot holding {@code key}, or, when it is absent, {@code ~slot} of the free slot where it would go. */
    protected final int find(Object key, int hash) {
        Object k = key == null ? NULL_KEY : key;
        int slot = spread(hash) & mask;
        while (true) {
            Object current = chunks[slot >>> CHUNK_SHIFT][2 * (slot & CHUNK_MASK)];
            if (current == null) {
                return ~slot;
            }
            if (hashes[slot] == hash && (current == k || current.equals(k))) {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
    }

    /**
     * Puts {@code key} into the free slot {@code ~find(key, hash)} returned, with its value and (when the subclass
     * has them) its long and int. Slot numbers change when the table grows, which this may do.
     */
    protected final void insert(int freeSlot, Object key, int hash, Object value, long word, int tag) {
        Object[] chunk = chunks[freeSlot >>> CHUNK_SHIFT];
        int i = 2 * (freeSlot & CHUNK_MASK);
        chunk[i] = key == null ? NULL_KEY : key;
        chunk[i + 1] = value;
        hashes[freeSlot] = hash;
        if (withLongs) {
            longs[freeSlot] = word;
        }
        if (withInts) {
            ints[freeSlot] = tag;
        }
        if (++size > growAt) {
            grow();
        }
    }

    protected final boolean occupied(int slot) {
        return chunks[slot >>> CHUNK_SHIFT][2 * (slot & CHUNK_MASK)] != null;
    }

    protected final Object keyAt(int slot) {
        Object key = chunks[slot >>> CHUNK_SHIFT][2 * (slot & CHUNK_MASK)];
        return key == NULL_KEY ? null : key;
    }

    protected final Object valueAt(int slot) {
        return chunks[slot >>> CHUNK_SHIFT][2 * (slot & CHUNK_MASK) + 1];
    }

    protected final void setValueAt(int slot, Object value) {
        chunks[slot >>> CHUNK_SHIFT][2 * (slot & CHUNK_MASK) + 1] = value;
    }

    protected final int hashAt(int slot) {
        return hashes[slot];
    }

    protected final long longAt(int slot) {
        return longs[slot];
    }

    protected final void setLongAt(int slot, long word) {
        longs[slot] = word;
    }

    protected final int intAt(int slot) {
        return ints[slot];
    }

    private static int spread(int hash) {
        int h = hash * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    private void grow() {
        SpindleException.checkState(capacity() < (1 << 29), "hash table cannot grow past %d keys", size);
        Object[][] oldChunks = chunks;
        int[] oldHashes = hashes;
        long[] oldLongs = longs;
        int[] oldInts = ints;
        int oldPerChunk = oldChunks[0].length / 2;
        allocate(capacity() * 2);
        for (int old = 0; old < oldHashes.length; old++) {
            Object[] oldChunk = oldChunks[old / oldPerChunk];
            int oldIndex = 2 * (old % oldPerChunk);
            if (oldChunk[oldIndex] != null) {
                int slot = spread(oldHashes[old]) & mask;
                while (occupied(slot)) {
                    slot = (slot + 1) & mask;
                }
                Object[] chunk = chunks[slot >>> CHUNK_SHIFT];
                int i = 2 * (slot & CHUNK_MASK);
                chunk[i] = oldChunk[oldIndex];
                chunk[i + 1] = oldChunk[oldIndex + 1];
                hashes[slot] = oldHashes[old];
                if (withLongs) {
                    longs[slot] = oldLongs[old];
                }
                if (withInts) {
                    ints[slot] = oldInts[old];
                }
            }
        }
    }
}
