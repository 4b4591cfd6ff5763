package dev.spindle.shuffle;

import dev.spindle.common.ChunkedHashSlots;
import dev.spindle.common.IndexedIterator;
import dev.spindle.common.Pair;
import dev.spindle.common.SpindleException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.function.LongFunction;
import java.util.function.ToIntFunction;

/**
 * The map-side (and reduce-side) combining table: one open-addressing hash table ({@link ChunkedHashSlots}) for
 * the keys of all reduce partitions. One probe per record, instead of the get + put of a {@code HashMap} per
 * partition, and no entry objects: for a word count this is most of the map task's time.
 *
 * <p>It starts as a {@link BytesCombineTable}, which holds string, integer and long keys with numeric combiners as
 * bytes, and moves its entries into the object table at the first key or combiner that one cannot hold.
 *
 * <p>Not thread-safe: one task owns it.
 */
final class CombineTable extends ChunkedHashSlots {
    /** Turns the first value of a key into its combiner, and merges later values into it. */
    interface Merger {
        Object first(Object value);

        Object merge(Object combiner, Object value);

        /** What {@link #merge} computes when it is a recognised JDK method on numbers, else null. */
        default NumericReduction reduction() {
            return null;
        }
    }

    /*
     * Integer, Long and Double combiners (a count, a sum, a rank) are kept unboxed in the slot's long, their value
     * cell holding their NumericCombiner instead. Updating one then writes a long, not a reference: a table that
     * lives long enough to be promoted (PageRank's 500k-key tables do) would otherwise dirty a G1 card with every
     * young box stored into it, and the refinement and remembered-set scanning that follow cost more than the
     * update itself. The slot's int is the key's reduce partition.
     */

    /** A partition-grouped, hash-ordered view of a table. */
    interface Grouped {
        Iterator<Pair<Object, Object>> partition(int partition);
    }

    /** The entries while they all fit the byte table; null once they moved to the object slots. */
    private BytesCombineTable bytes = new BytesCombineTable();

    CombineTable() {
        super(true, true);
    }

    /** Keys held. */
    @Override
    public int size() {
        return bytes != null ? bytes.size() : super.size();
    }

    /** True while the entries are held as bytes. */
    boolean inBytes() {
        return bytes != null;
    }

    /**
     * Adds {@code value} under {@code key}; true when the key was new. A new key's reduce partition is
     * {@code partitionOf}'s: asked once per distinct key, not per record (for a word count, most records are repeats
     * and the partitioner's hash and modulo would be wasted on them).
     */
    boolean update(ToIntFunction<Object> partitionOf, Object key, Object value, Merger merger) {
        if (bytes != null) {
            int result = bytes.update(partitionOf, key, value, merger);
            if (result != BytesCombineTable.UNSUPPORTED) {
                return result == BytesCombineTable.NEW;
            }
            moveToObjects();
        }
        int hash = hash(key);
        int slot = find(key, hash);
        if (slot >= 0) {
            NumericReduction reduction = merger.reduction();
            if (reduction != null && valueAt(slot) instanceof NumericCombiner kind
                    && reduction.appliesTo(kind, value)) {
                setLongAt(slot, reduction.apply(longAt(slot), kind.bits(value)));
            } else {
                store(slot, merger.merge(combiner(slot), value));
            }
            return false;
        }
        Object combiner = merger.first(value); // before anything changes: user code may throw
        insert(~slot, key, hash, combiner, partitionOf.applyAsInt(key));
        return true;
    }

    /** Puts a new key into the free slot {@code ~find} gave, its combiner unboxed when numeric. */
    private void insert(int freeSlot, Object key, int hash, Object combiner, int partition) {
        NumericCombiner kind = NumericCombiner.of(combiner);
        insert(freeSlot, key, hash, kind != null ? kind : combiner, kind != null ? kind.bits(combiner) : 0, partition);
    }

    private void moveToObjects() {
        BytesCombineTable moving = bytes;
        bytes = null;
        moving.entries((partition, key, combiner, hash) -> {
            int slot = find(key, hash);
            SpindleException.checkState(slot < 0, "key %s twice in a combine table", key);
            insert(~slot, key, hash, combiner, partition);
        });
    }

    /** Replaces the combiner of {@code slot}: one type test, and the cell written only when it changes. */
    private void store(int slot, Object combiner) {
        NumericCombiner kind = NumericCombiner.of(combiner);
        Object cell = combiner;
        if (kind != null) {
            setLongAt(slot, kind.bits(combiner));
            cell = kind;
        }
        if (valueAt(slot) != cell) { // a marker rewritten would dirty a card for nothing
            setValueAt(slot, cell);
        }
    }

    private Object combiner(int slot) {
        Object cell = valueAt(slot);
        return cell instanceof NumericCombiner kind ? kind.box(longAt(slot)) : cell;
    }

    /**
     * Entries grouped by partition, each group in ascending key-hash order (the order spilled runs are written
     * and merged in). The table must not change while the view is read.
     */
    Grouped grouped(int numPartitions) {
        if (bytes != null) {
            return bytes.grouped(numPartitions);
        }
        long[] entries = new long[size()]; // hash in the high half, slot in the low half
        int[] partitions = new int[size()];
        int n = 0;
        for (int slot = 0; slot < capacity(); slot++) {
            if (occupied(slot)) {
                entries[n] = ((long) hashAt(slot) << 32) | slot;
                partitions[n++] = intAt(slot);
            }
        }
        return group(entries, partitions, numPartitions, entry -> Pair.of(keyAt((int) entry), combiner((int) entry)));
    }

    /**
     * The view {@link #grouped} returns, over {@code entries} (a key hash in each one's high half) and their
     * partitions: grouped by partition, each group sorted, so in ascending (signed) hash order; {@code decode} turns
     * an entry into its key and combiner.
     */
    static Grouped group(long[] entries, int[] partitions, int numPartitions,
            LongFunction<Pair<Object, Object>> decode) {
        int[] starts = new int[numPartitions + 1];
        for (int partition : partitions) {
            starts[partition + 1]++;
        }
        for (int p = 0; p < numPartitions; p++) {
            starts[p + 1] += starts[p];
        }
        long[] order = new long[entries.length];
        int[] fill = Arrays.copyOf(starts, numPartitions);
        for (int i = 0; i < entries.length; i++) {
            order[fill[partitions[i]]++] = entries[i];
        }
        for (int p = 0; p < numPartitions; p++) {
            Arrays.sort(order, starts[p], starts[p + 1]);
        }
        return partition -> IndexedIterator.over(starts[partition], starts[partition + 1],
                i -> decode.apply(order[i]));
    }
}
