package dev.spindle.api;

import dev.spindle.common.Pair;
import dev.spindle.plan.Aggregator;
import dev.spindle.plan.UserCodeException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/** Combines values by key within one partition, for data that is already partitioned by key. */
final class LocalCombine {
    private LocalCombine() {
    }

    static <K, V, C> Iterator<Pair<K, C>> combine(Iterator<Pair<K, V>> input, Aggregator<K, V, C> aggregator) {
        Map<K, C> combined = new HashMap<>();
        try {
            while (input.hasNext()) {
                Pair<K, V> pair = input.next();
                C current = combined.get(pair.key());
                if (current == null && !combined.containsKey(pair.key())) {
                    combined.put(pair.key(), aggregator.createCombiner().call(pair.value()));
                } else {
                    combined.put(pair.key(), aggregator.mergeValue().call(current, pair.value()));
                }
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new UserCodeException(new dev.spindle.plan.NodeInfo(-1, "combine", "aggregator"), e);
        }
        Iterator<Map.Entry<K, C>> entries = combined.entrySet().iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return entries.hasNext();
            }

            @Override
            public Pair<K, C> next() {
                Map.Entry<K, C> e = entries.next();
                return Pair.of(e.getKey(), e.getValue());
            }
        };
    }
}
