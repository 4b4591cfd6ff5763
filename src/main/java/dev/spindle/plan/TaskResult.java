package dev.spindle.plan;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A successful task's output: for a result task the serialized value of its {@link ResultFunction}, for a
 * shuffle map task the serialized map status; the executor-side accumulator copies; the metrics.
 */
public record TaskResult(byte[] value, List<Accumulator<?, ?>> accumulatorUpdates, TaskMetrics metrics) {
    public TaskResult {
        requireNonNull(value, "value is null");
        accumulatorUpdates = List.copyOf(requireNonNull(accumulatorUpdates, "accumulatorUpdates is null"));
        requireNonNull(metrics, "metrics is null");
    }
}
