package dev.spindle.plan;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Partitions ordered keys into ranges: partition i holds keys in {@code (bounds[i-1], bounds[i]]}, so that
 * partitions concatenated in index order are globally sorted. Bounds come from sampling the data.
 */
public final class RangePartitioner<K> implements Partitioner {
    private static final long serialVersionUID = 1L;

    private final Object[] bounds;
    private final Comparator<? super K> ordering;
    private final boolean ascending;

    public RangePartitioner(List<K> bounds, Comparator<? super K> ordering, boolean ascending) {
        this.bounds = requireNonNull(bounds, "bounds is null").toArray();
        this.ordering = requireNonNull(ordering, "ordering is null");
        this.ascending = ascending;
    }

    @Override
    public int numPartitions() {
        return bounds.length + 1;
    }

    @Override
    @SuppressWarnings("unchecked")
    public int partition(Object key) {
        K k = (K) key;
        int lo = 0;
        int hi = bounds.length;
        while (lo < hi) { // first bound >= key
            int mid = (lo + hi) >>> 1;
            if (ordering.compare((K) bounds[mid], k) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return ascending ? lo : bounds.length - lo;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RangePartitioner<?> other && ascending == other.ascending
                && Arrays.equals(bounds, other.bounds) && ordering.equals(other.ordering);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bounds) * 31 + Boolean.hashCode(ascending);
    }
}
