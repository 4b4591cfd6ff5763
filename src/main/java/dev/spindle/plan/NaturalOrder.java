package dev.spindle.plan;

import java.io.Serializable;
import java.util.Comparator;

/** The natural ordering of {@link Comparable} keys, serializable; nulls first. */
public final class NaturalOrder<K> implements Comparator<K>, Serializable {
    private static final long serialVersionUID = 1L;
    private static final NaturalOrder<?> INSTANCE = new NaturalOrder<>();

    @SuppressWarnings("unchecked")
    public static <K> Comparator<K> get() {
        return (Comparator<K>) INSTANCE;
    }

    @Override
    @SuppressWarnings("unchecked")
    public int compare(K a, K b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        if (!(a instanceof Comparable)) {
            throw new ClassCastException("key class " + a.getClass().getName() + " is not Comparable; "
                    + "pass a Comparator to sortByKey/sortBy");
        }
        return ((Comparable<Object>) a).compareTo(b);
    }

    private Object readResolve() {
        return INSTANCE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NaturalOrder;
    }

    @Override
    public int hashCode() {
        return 17;
    }
}
