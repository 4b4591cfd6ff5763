package dev.spindle.api;

import dev.spindle.plan.Accumulator;

/** A sum of longs that tasks add to and the driver reads; see {@link Context#longAccumulator(String)}. */
public final class LongAccumulator extends Accumulator<Long, Long> {
    private static final long serialVersionUID = 1L;

    private long sum;
    private long count;

    LongAccumulator(long id, String name) {
        super(id, name);
    }

    @Override
    public synchronized void add(Long value) {
        add(value.longValue());
    }

    public synchronized void add(long value) {
        sum += value;
        count++;
    }

    @Override
    public synchronized void merge(Accumulator<Long, Long> other) {
        LongAccumulator o = (LongAccumulator) other;
        synchronized (o) {
            sum += o.sum;
            count += o.count;
        }
    }

    @Override
    public synchronized void reset() {
        sum = 0;
        count = 0;
    }

    /** The sum; on the driver, of all successful tasks so far. */
    @Override
    public synchronized Long value() {
        return sum;
    }

    public synchronized long sum() {
        return sum;
    }

    /** How many values were added. */
    public synchronized long count() {
        return count;
    }

    @Override
    public String toString() {
        return name() + "=" + value();
    }
}
