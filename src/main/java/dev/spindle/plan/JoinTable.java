package dev.spindle.plan;

import dev.spindle.common.SpindleException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The build side of a hash join: key to values, open addressing, keys and values side by side in chunks of
 * CHUNK_SLOTS slots. Against a {@code HashMap<K, List<W>>} it saves the entry, the list and the list's array
 * of every key (a join's build side usually has one value per key: it is kept bare, and a list is made only for
 * a second value), and its chunks stay below G1's humongous size, so filling them from young records costs no
 * remembered-set work (a 250k-key {@code HashMap} table is allocated in the old generation and dirties a card
 * with every entry put into it).
 *
 * <p>Not thread-safe: one task owns it.
 */
final class JoinTable<K, W> {
    private static final Object NULL_KEY = new Object();
    private static final double LOAD = 0.6;
    private static final int CHUNK_SHIFT = 14;
    private static final int CHUNK_SLOTS = 1 << CHUNK_SHIFT;
    private static final int CHUNK_MASK = CHUNK_SLOTS - 1;

    /** The values of a key that has more than one; a private type, so never one of the user's values. */
    private static final class Several extends ArrayList<Object> {
        private static final long serialVersionUID = 1L;

        Several(Object first, Object second) {
            super(2);
            add(first);
            add(second);
        }
    }

    private Object[][] chunks; // key at 2 * i, value (or Several) at 2 * i + 1; a null key marks a free slot
    private int[] hashes;
    private int mask;
    private int size;
    private int growAt;

    JoinTable() {
        allocate(64);
    }

    private void allocate(int capacity) {
        int perChunk = Math.min(capacity, CHUNK_SLOTS);
        chunks = new Object[capacity / perChunk][];
        for (int c = 0; c < chunks.length; c++) {
            chunks[c] = new Object[2 * perChunk];
        }
        hashes = new int[capacity];
        mask = capacity - 1;
        growAt = (int) (capacity * LOAD);
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Adds {@code value} to the values of {@code key}. */
    void add(K key, W value) {
        Object k = key == null ? NULL_KEY : key;
        int hash = key == null ? 0 : key.hashCode();
        int slot = spread(hash) & mask;
        while (true) {
            Object[] chunk = chunks[slot >>> CHUNK_SHIFT];
            int i = 2 * (slot & CHUNK_MASK);
            Object current = chunk[i];
            if (current == null) {
                chunk[i] = k;
                chunk[i + 1] = value;
                hashes[slot] = hash;
                if (++size > growAt) {
                    grow();
                }
                return;
            }
            if (hashes[slot] == hash && (current == k || current.equals(k))) {
                Object cell = chunk[i + 1];
                if (cell instanceof Several several) {
                    several.add(value);
                } else {
                    chunk[i + 1] = new Several(cell, value);
                }
                return;
            }
            slot = (slot + 1) & mask;
        }
    }

    /** The values of {@code key}, or null when it has none. */
    @SuppressWarnings("unchecked")
    List<W> get(Object key) {
        Object k = key == null ? NULL_KEY : key;
        int hash = key == null ? 0 : key.hashCode();
        int slot = spread(hash) & mask;
        while (true) {
            Object[] chunk = chunks[slot >>> CHUNK_SHIFT];
            int i = 2 * (slot & CHUNK_MASK);
            Object current = chunk[i];
            if (current == null) {
                return null;
            }
            if (hashes[slot] == hash && (current == k || current.equals(k))) {
                Object cell = chunk[i + 1];
                return cell instanceof Several several ? (List<W>) several : (List<W>) Collections.singletonList(cell);
            }
            slot = (slot + 1) & mask;
        }
    }

    private static int spread(int hash) {
        int h = hash * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    private void grow() {
        SpindleException.checkState(hashes.length < (1 << 29), "join table cannot grow past %d keys", size);
        Object[][] oldChunks = chunks;
        int[] oldHashes = hashes;
        int oldPerChunk = oldChunks[0].length / 2;
        allocate(hashes.length * 2);
        for (int old = 0; old < oldHashes.length; old++) {
            Object[] oldChunk = oldChunks[old / oldPerChunk];
            int oldIndex = 2 * (old % oldPerChunk);
            if (oldChunk[oldIndex] != null) {
                int slot = spread(oldHashes[old]) & mask;
                while (chunks[slot >>> CHUNK_SHIFT][2 * (slot & CHUNK_MASK)] != null) {
                    slot = (slot + 1) & mask;
                }
                Object[] chunk = chunks[slot >>> CHUNK_SHIFT];
                chunk[2 * (slot & CHUNK_MASK)] = oldChunk[oldIndex];
                chunk[2 * (slot & CHUNK_MASK) + 1] = oldChunk[oldIndex + 1];
                hashes[slot] = oldHashes[old];
            }
        }
    }
}
