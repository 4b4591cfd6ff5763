package dev.spindle.bench;

import dev.spindle.bench.data.DataLayout;
import java.nio.file.Path;
import java.util.List;

/**
 * The program (main class and arguments) each engine runs for each workload. Spindle's data workloads are its
 * own example programs, unchanged, and the same in local-cluster (only the master differs); Spark's are the same
 * algorithms on Spark's Java API (bench/spark-jobs); the floor is hand-written Java (harness, package floor).
 */
final class Programs {
    static final int PAGERANK_ITERATIONS = 10;
    static final int TINY_TASKS = 10_000;
    static final int TINY_JOBS = 200;

    private static final String SPINDLE_EXAMPLES = "dev.spindle.examples.";
    private static final String SPINDLE_MICRO = "dev.spindle.bench.spindle.SpindleMicro";
    private static final String SPARK_JOBS = "dev.spindle.bench.spark.";
    private static final String FLOOR = "dev.spindle.bench.floor.";

    private Programs() {
    }

    static List<String> of(Workload workload, Engine engine, DataLayout data, Path out, int threads) {
        return switch (engine) {
            case SPINDLE, SPINDLE_CLUSTER -> spindle(workload, data, out.toString());
            case SPARK -> spark(workload, data, out.toString());
            case FLOOR -> floor(workload, data, out.toString(), threads);
        };
    }

    private static List<String> spindle(Workload workload, DataLayout data, String out) {
        return switch (workload) {
            case WORDCOUNT -> List.of(SPINDLE_EXAMPLES + "WordCount", data.words().toString(), out);
            case SORT -> List.of(SPINDLE_EXAMPLES + "Sort", data.sortRecords().toString(), out);
            case JOIN -> List.of(SPINDLE_EXAMPLES + "Join", data.joinLeft().toString(), data.joinRight().toString(),
                    out);
            case PAGERANK -> List.of(SPINDLE_EXAMPLES + "PageRank", data.edges().toString(),
                    Integer.toString(PAGERANK_ITERATIONS), out);
            case TINY_TASKS, TINY_JOBS, FIRST_RESULT -> micro(SPINDLE_MICRO, workload);
        };
    }

    private static List<String> spark(Workload workload, DataLayout data, String out) {
        return switch (workload) {
            case WORDCOUNT -> List.of(SPARK_JOBS + "SparkWordCount", data.words().toString(), out);
            case SORT -> List.of(SPARK_JOBS + "SparkSort", data.sortRecords().toString(), out);
            case JOIN -> List.of(SPARK_JOBS + "SparkJoin", data.joinLeft().toString(), data.joinRight().toString(),
                    out);
            case PAGERANK -> List.of(SPARK_JOBS + "SparkPageRank", data.edges().toString(),
                    Integer.toString(PAGERANK_ITERATIONS), out);
            case TINY_TASKS, TINY_JOBS, FIRST_RESULT -> micro(SPARK_JOBS + "SparkMicro", workload);
        };
    }

    private static List<String> floor(Workload workload, DataLayout data, String out, int threads) {
        return switch (workload) {
            case WORDCOUNT -> List.of(FLOOR + "FloorWordCount", data.words().toString(), out,
                    Integer.toString(threads));
            case SORT -> List.of(FLOOR + "FloorSort", data.sortRecords().toString(), out, Integer.toString(threads));
            default -> throw new IllegalArgumentException("the Java floor has no " + workload.id() + " program");
        };
    }

    private static List<String> micro(String mainClass, Workload workload) {
        return switch (workload) {
            case TINY_TASKS -> List.of(mainClass, "tiny-tasks", Integer.toString(TINY_TASKS));
            case TINY_JOBS -> List.of(mainClass, "tiny-jobs", Integer.toString(TINY_JOBS));
            case FIRST_RESULT -> List.of(mainClass, "first-result");
            default -> throw new IllegalArgumentException(workload.id() + " is not a micro-benchmark");
        };
    }
}
