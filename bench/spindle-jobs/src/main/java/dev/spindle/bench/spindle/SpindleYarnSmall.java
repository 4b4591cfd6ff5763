package dev.spindle.bench.spindle;

import dev.spindle.api.Context;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The small job of the YARN submit-to-result benchmark (bench/yarn.sh): sum 1,000 ints in 2 partitions. Each task
 * writes the wall-clock time it started into MARKER_DIR (the containers run on this machine), so that the harness
 * can tell when the first task ran. The same program as SparkYarnSmall.
 */
public final class SpindleYarnSmall {
    private SpindleYarnSmall() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: SpindleYarnSmall MARKER_DIR");
        }
        String markers = args[0];
        try (Context ctx = Context.create()) {
            List<Integer> numbers = IntStream.rangeClosed(1, 1000).boxed().toList();
            int sum = ctx.parallelize(numbers, 2).mapPartitionsWithIndex((index, it) -> {
                mark(markers, index);
                return it;
            }).reduce(Integer::sum);
            if (sum != 500_500) {
                throw new IllegalStateException("wrong sum " + sum);
            }
            System.out.println("sum " + sum);
        }
    }

    static void mark(String dir, int partition) throws java.io.IOException {
        long now = System.currentTimeMillis();
        Files.createDirectories(Path.of(dir));
        Files.writeString(Path.of(dir, "task-" + partition + "-" + now), Long.toString(now));
    }
}
