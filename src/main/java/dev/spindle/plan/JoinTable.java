package dev.spindle.plan;

import dev.spindle.common.ChunkedHashSlots;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The build side of a hash join: key to values, an open-addressing table ({@link ChunkedHashSlots}). Against a
 * {@code HashMap<K, List<W>>} it saves the entry, the list and the list's array of every key (a join's build side
 * usually has one value per key: it is kept bare, and a list is made only for a second value), and its chunks
 * stay below G1's humongous size (a 250k-key {@code HashMap} table is allocated in the old generation and
 * dirties a card with every entry put into it).
 *
 * <p>Not thread-safe: one task owns it.
 */
final class JoinTable<K, W> extends ChunkedHashSlots {
    /** The values of a key that has more than one; a private type, so never one of the user's values. */
    private static final class Several extends ArrayList<Object> {
        private static final long serialVersionUID = 1L;

        Several(Object first, Object second) {
            super(2);
            add(first);
            add(second);
        }
    }

    JoinTable() {
        super(false, false);
    }

    boolean isEmpty() {
        return size() == 0;
    }

    /** Adds {@code value} to the values of {@code key}. */
    void add(K key, W value) {
        int hash = hash(key);
        int slot = find(key, hash);
        if (slot < 0) {
            insert(~slot, key, hash, value, 0, 0);
        } else if (valueAt(slot) instanceof Several several) {
            several.add(value);
        } else {
            setValueAt(slot, new Several(valueAt(slot), value));
        }
    }

    /** The values of {@code key}, or null when it has none. */
    @SuppressWarnings("unchecked")
    List<W> get(Object key) {
        int slot = find(key, hash(key));
        if (slot < 0) {
            return null;
        }
        Object cell = valueAt(slot);
        return cell instanceof Several several ? (List<W>) several : (List<W>) Collections.singletonList(cell);
    }
}
