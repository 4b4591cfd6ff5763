package dev.spindle.shuffle;

import dev.spindle.common.Pair;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/** K-way merge of sorted iterators. */
final class MergeIterator implements Iterator<Pair<Object, Object>> {
    private record Head(Pair<Object, Object> value, Iterator<Pair<Object, Object>> source) {
    }

    private final PriorityQueue<Head> heads;

    MergeIterator(List<Iterator<Pair<Object, Object>>> sources, Comparator<Pair<Object, Object>> order) {
        heads = new PriorityQueue<>(Math.max(1, sources.size()), (a, b) -> order.compare(a.value(), b.value()));
        for (Iterator<Pair<Object, Object>> source : sources) {
            if (source.hasNext()) {
                heads.add(new Head(source.next(), source));
            }
        }
    }

    @Override
    public boolean hasNext() {
        return !heads.isEmpty();
    }

    @Override
    public Pair<Object, Object> next() {
        Head head = heads.poll();
        if (head == null) {
            throw new NoSuchElementException();
        }
        if (head.source().hasNext()) {
            heads.add(new Head(head.source().next(), head.source()));
        }
        return head.value();
    }
}
