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

    /** The registered accumulators, for recovery's journal of completed actions. */
    public java.util.List<Accumulator<?, ?>> all() {
        return java.util.List.copyOf(accumulators.values());
    }

    /**
     * Sets each registered accumulator that has a copy in {@code values} (same id) to that copy's value: a
     * replayed action's accumulators end as they did when it ran. Copies of accumulators this program has not
     * created are ignored.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void restore(Collection<Accumulator<?, ?>> values) {
        for (Accumulator value : values) {
            Accumulator original = accumulators.get(value.id());
            if (original != null && original.getClass() == value.getClass()) {
                synchronized (original) {
                    original.reset();
                    original.merge(value);
                }
            }
        }
    }

    public int size() {
        return accumulators.size();
    }
}
