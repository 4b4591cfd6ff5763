package dev.spindle.api;

import dev.spindle.plan.Accumulator;

/** A sum of doubles that tasks add to and the driver reads; see {@link Context#doubleAccumulator(String)}. */
public final class DoubleAccumulator extends Accumulator<Double, Double> {
    private static final long serialVersionUID = 1L;

    private double sum;
    private long count;

    DoubleAccumulator(long id, String name) {
        super(id, name);
    }

    @Override
    public synchronized void add(Double value) {
        add(value.doubleValue());
    }

    public synchronized void add(double value) {
        sum += value;
        count++;
    }

    @Override
    public synchronized void merge(Accumulator<Double, Double> other) {
        DoubleAccumulator o = (DoubleAccumulator) other;
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

    @Override
    public synchronized Double value() {
        return sum;
    }

    public synchronized long count() {
        return count;
    }

    /** Mean of the added values, NaN when none. */
    public synchronized double avg() {
        return count == 0 ? Double.NaN : sum / count;
    }

    @Override
    public String toString() {
        return name() + "=" + value();
    }
}
