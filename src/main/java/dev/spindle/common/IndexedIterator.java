package dev.spindle.common;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.IntFunction;

/** An iterator over the elements {@code element(i)} for {@code i} from {@code from} (inclusive) to {@code to}. */
public final class IndexedIterator<T> implements Iterator<T> {
    private final IntFunction<? extends T> element;
    private final int end;
    private int next;

    private IndexedIterator(int from, int to, IntFunction<? extends T> element) {
        this.element = element;
        this.next = from;
        this.end = to;
    }

    public static <T> Iterator<T> over(int from, int to, IntFunction<? extends T> element) {
        return new IndexedIterator<>(from, to, element);
    }

    @Override
    public boolean hasNext() {
        return next < end;
    }

    @Override
    public T next() {
        if (next >= end) {
            throw new NoSuchElementException();
        }
        return element.apply(next++);
    }
}
