package dev.spindle.bench.data;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/** Where the generated inputs, their manifest and the workloads' outputs live under one data directory. */
public record DataLayout(Path dir) {
    public DataLayout {
        requireNonNull(dir, "dir is null");
        dir = dir.toAbsolutePath().normalize();
    }

    public Path words() {
        return dir.resolve("words.txt");
    }

    public Path sortRecords() {
        return dir.resolve("sort-records.txt");
    }

    public Path edges() {
        return dir.resolve("graph-edges.txt");
    }

    public Path joinLeft() {
        return dir.resolve("join-left.csv");
    }

    public Path joinRight() {
        return dir.resolve("join-right.csv");
    }

    public Path manifest() {
        return dir.resolve("MANIFEST.properties");
    }

    /** The output directory of one workload on one engine; the harness deletes it before every run. */
    public Path output(String workload, String engine) {
        return dir.resolve("out").resolve(workload + "-" + engine);
    }
}
