package dev.spindle.shuffle;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.Collection;
import java.util.RandomAccess;

/**
 * A growable list in fixed chunks of CHUNK refs instead of one array. A task's buffered records (a reduce
 * partition of a sort: hundreds of thousands of them) would need an array past half a G1 region: "humongous",
 * allocated in the old generation from the start, so every young record stored into it dirties a card, and each
 * young collection scans those cards. Chunks are ordinary young arrays. Growing never copies the records either.
 *
 * <p>Not thread-safe.
 */
final class ChunkedList<E> extends AbstractList<E> implements RandomAccess {
    private static final int SHIFT = 14;
    private static final int CHUNK = 1 << SHIFT;
    private static final int MASK = CHUNK - 1;

    private Object[][] chunks = new Object[4][];
    private int size;

    ChunkedList() {
    }

    ChunkedList(Collection<? extends E> items) {
        addAll(items);
    }

    @Override
    public boolean add(E item) {
        int chunk = size >>> SHIFT;
        if (chunk == chunks.length) {
            chunks = Arrays.copyOf(chunks, chunks.length * 2);
        }
        Object[] target = chunks[chunk];
        if (target == null) {
            // The first chunk starts small, for the many short lists of a map task's partitions.
            target = chunks[chunk] = new Object[chunk == 0 ? 16 : CHUNK];
        } else if (chunk == 0 && size == target.length && size < CHUNK) {
            target = chunks[0] = Arrays.copyOf(target, Math.min(CHUNK, size * 2));
        }
        target[size & MASK] = item;
        size++;
        modCount++;
        return true;
    }

    @Override
    @SuppressWarnings("unchecked")
    public E get(int index) {
        checkIndex(index);
        return (E) chunks[index >>> SHIFT][index & MASK];
    }

    @Override
    @SuppressWarnings("unchecked")
    public E set(int index, E item) {
        checkIndex(index);
        Object[] chunk = chunks[index >>> SHIFT];
        E previous = (E) chunk[index & MASK];
        chunk[index & MASK] = item;
        return previous;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void clear() {
        chunks = new Object[4][];
        size = 0;
        modCount++;
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " of a list of " + size);
        }
    }
}
