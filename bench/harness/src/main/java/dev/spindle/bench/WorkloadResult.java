package dev.spindle.bench;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A workload's measurements per engine, and what its output checks found wrong. */
record WorkloadResult(Workload workload, Map<Engine, Measurement> measurements, List<String> warnings) {
    WorkloadResult {
        requireNonNull(workload, "workload is null");
        measurements = Map.copyOf(measurements);
        warnings = List.copyOf(warnings);
    }

    Optional<Measurement> of(Engine engine) {
        return Optional.ofNullable(measurements.get(engine));
    }
}
