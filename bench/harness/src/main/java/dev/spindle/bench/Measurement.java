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
        return median(seconds);
    }

    /**
     * The median of {@code other}'s seconds over this measurement's, round by round: each round runs every engine
     * once, one after the other, so a drift of the machine's speed between rounds moves both alike. Empty unless both
     * are usable, ran the same number of rounds and took some time in each.
     */
    OptionalDouble pairedRatio(Measurement other) {
        if (!ok() || !other.ok() || seconds.size() != other.seconds.size() || seconds.stream().anyMatch(s -> s <= 0)) {
            return OptionalDouble.empty();
        }
        List<Double> ratios = new ArrayList<>(seconds.size());
        for (int i = 0; i < seconds.size(); i++) {
            ratios.add(other.seconds.get(i) / seconds.get(i));
        }
        return median(ratios);
    }

    /** The median (the mean of the middle two for an even count); empty for no values. */
    private static OptionalDouble median(List<Double> values) {
        if (values.isEmpty()) {
            return OptionalDouble.empty();
        }
        List<Double> sorted = new ArrayList<>(values);
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
