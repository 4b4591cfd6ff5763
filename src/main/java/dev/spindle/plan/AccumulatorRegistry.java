package dev.spindle.plan;

import dev.spindle.common.SpindleException;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The driver's accumulators by id; merges the task copies that come back with successful results. */
public final class AccumulatorRegistry {
    private final Map<Long, Accumulator<?, ?>> accumulators = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong();

    public long newId() {
        return nextId.getAndIncrement();
    }

    public void register(Accumulator<?, ?> accumulator) {
        accumulators.put(accumulator.id(), accumulator);
    }

    /** Adds the task copies' values into the driver's accumulators. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void merge(Collection<Accumulator<?, ?>> updates) {
        for (Accumulator update : updates) {
            Accumulator original = accumulators.get(update.id());
            if (original == null) {
                throw SpindleException.internal("task returned an update for unknown accumulator %d (%s)",
                        update.id(), update.name());
            }
            synchronized (original) {
                original.merge(update);
            }
        }
    }

    public int size() {
        return accumulators.size();
    }
}
