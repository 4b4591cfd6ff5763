package dev.spindle.bench;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The runs of one workload on one engine: the seconds of each successful run, and why a run failed, if one did
 * (the harness stops repeating an engine's workload after its first failure).
 */
record Measurement(List<Double> seconds, Optional<String> failure) {
    Measurement {
        seconds = List.copyOf(seconds);
        requireNonNull(failure, "failure is null");
    }

    /** The median of the runs' seconds (the mean of the middle two for an even count); empty if none ran. */
    OptionalDouble median() {
        if (seconds.isEmpty()) {
            return OptionalDouble.empty();
        }
        List<Double> sorted = new ArrayList<>(seconds);
        Collections.sort(sorted);
        int middle = sorted.size() / 2;
        return OptionalDouble.of(sorted.size() % 2 == 1 ? sorted.get(middle)
                : (sorted.get(middle - 1) + sorted.get(middle)) / 2);
    }

    /** A usable result: every run succeeded. */
    boolean ok() {
        return failure.isEmpty() && !seconds.isEmpty();
    }
}
