package dev.spindle.plan;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A successful task's output: for a result task the serialized value of its {@link ResultFunction}, for a
 * shuffle map task the serialized map status; its size; the executor-side accumulator copies; the metrics.
 */
public record TaskResult(byte[] value, long serializedBytes, List<Accumulator<?, ?>> accumulatorUpdates,
        TaskMetrics metrics) {
    public TaskResult {
        requireNonNull(value, "value is null");
        if (value.length > 0 && value.length != serializedBytes) {
            throw new IllegalArgumentException("serializedBytes " + serializedBytes + " != value length " + value.length);
        }
        accumulatorUpdates = List.copyOf(requireNonNull(accumulatorUpdates, "accumulatorUpdates is null"));
        requireNonNull(metrics, "metrics is null");
    }

    public TaskResult(byte[] value, List<Accumulator<?, ?>> accumulatorUpdates, TaskMetrics metrics) {
        this(value, requireNonNull(value, "value is null").length, accumulatorUpdates, metrics);
    }

    /**
     * A result that stayed on its executor because it alone is larger than the driver may collect: it carries only
     * its size, so that the job fails naming the limit instead of the driver fetching it.
     */
    public static TaskResult notFetched(long serializedBytes, List<Accumulator<?, ?>> accumulatorUpdates,
            TaskMetrics metrics) {
        return new TaskResult(new byte[0], serializedBytes, accumulatorUpdates, metrics);
    }

    /** False for {@link #notFetched} results. */
    public boolean fetched() {
        return value.length == serializedBytes;
    }
}
