package dev.spindle.bench.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The small job of the YARN submit-to-result benchmark (bench/yarn.sh): sum 1,000 ints in 2 partitions. Each task
 * writes the wall-clock time it started into MARKER_DIR (the containers run on this machine), so that the harness
 * can tell when the first task ran.
 */
public final class SparkYarnSmall {
    private SparkYarnSmall() {
    }

    public static void main(String[] args) throws Exception {
        SparkContexts.checkArgs(args, 1, "SparkYarnSmall MARKER_DIR");
        String markers = args[0];
        try (JavaSparkContext sc = SparkContexts.create()) {
            List<Integer> numbers = IntStream.rangeClosed(1, 1000).boxed().toList();
            int sum = sc.parallelize(numbers, 2).mapPartitionsWithIndex((index, it) -> {
                mark(markers, index);
                return it;
            }, false).reduce(Integer::sum);
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
