package dev.spindle.api;

import dev.spindle.common.Pair;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Turns the two value lists of one cogrouped key into outer-joined pairs. */
final class Joins {
    private Joins() {
    }

    static <V, W> Iterator<Pair<V, Optional<W>>> leftOuter(Pair<List<V>, List<W>> groups) {
        List<Pair<V, Optional<W>>> out = new ArrayList<>();
        for (V v : groups.key()) {
            if (groups.value().isEmpty()) {
                out.add(Pair.of(v, Optional.empty()));
            }
            for (W w : groups.value()) {
                out.add(Pair.of(v, Optional.ofNullable(w)));
            }
        }
        return out.iterator();
    }

    static <V, W> Iterator<Pair<Optional<V>, W>> rightOuter(Pair<List<V>, List<W>> groups) {
        List<Pair<Optional<V>, W>> out = new ArrayList<>();
        for (W w : groups.value()) {
            if (groups.key().isEmpty()) {
                out.add(Pair.of(Optional.empty(), w));
            }
            for (V v : groups.key()) {
                out.add(Pair.of(Optional.ofNullable(v), w));
            }
        }
        return out.iterator();
    }

    static <V, W> Iterator<Pair<Optional<V>, Optional<W>>> fullOuter(Pair<List<V>, List<W>> groups) {
        List<Pair<Optional<V>, Optional<W>>> out = new ArrayList<>();
        List<V> left = groups.key();
        List<W> right = groups.value();
        if (left.isEmpty()) {
            right.forEach(w -> out.add(Pair.of(Optional.empty(), Optional.ofNullable(w))));
        } else if (right.isEmpty()) {
            left.forEach(v -> out.add(Pair.of(Optional.ofNullable(v), Optional.empty())));
        } else {
            for (V v : left) {
                for (W w : right) {
                    out.add(Pair.of(Optional.ofNullable(v), Optional.ofNullable(w)));
                }
            }
        }
        return out.iterator();
    }
}
