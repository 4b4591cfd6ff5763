package dev.spindle.bench.spark;

import org.apache.spark.api.java.JavaSparkContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Spark's scheduler micro-benchmarks; the Spindle twin is dev.spindle.bench.spindle.SpindleMicro, line for line.
 * Reports to the harness on stdout with {@code bench-result NAME=VALUE} lines (see the harness's ResultLine).
 * <ul>
 *   <li>{@code tiny-tasks N}: one stage of N one-element tasks ({@code parallelize(0..N-1, N).count()}), after
 *       WARM_UP_STAGES identical stages; reports the measured stage's seconds;</li>
 *   <li>{@code tiny-jobs N}: N jobs that each sum 1,000 ints in 10 partitions, after the same jobs have run for
 *       WARM_UP_SECONDS (at least 20 of them); reports the median job's seconds;</li>
 *   <li>{@code first-result}: starts a context and collects 3 ints; prints them as soon as they arrive.</li>
 * </ul>
 * The master comes from {@code -Dspark.master}, which SparkConf reads.
 */
public final class SparkMicro {
    /*
     * The warm-up lets the JIT compile each engine's hot path before the measurement, by the same rule for both
     * engines: what is measured is the scheduler, not how far the compiler has got (with 20 warm-up jobs, as
     * before, Spindle's jobs ran while over half of the 2 cores were compiling).
     */
    private static final int WARM_UP_STAGES = 2;
    private static final double WARM_UP_SECONDS = 3.0;
    private static final int MIN_WARM_UP_JOBS = 20;
    private static final int JOB_INTS = 1000;
    private static final int JOB_PARTITIONS = 10;

    private SparkMicro() {
    }

    public static void main(String[] args) {
        if (args.length < 1) {
            throw new IllegalArgumentException("usage: SparkMicro tiny-tasks N | tiny-jobs N | first-result");
        }
        switch (args[0]) {
            case "tiny-tasks" -> tinyTasks(Integer.parseInt(args[1]));
            case "tiny-jobs" -> tinyJobs(Integer.parseInt(args[1]));
            case "first-result" -> firstResult();
            default -> throw new IllegalArgumentException("unknown micro-benchmark '" + args[0] + "'");
        }
    }

    private static void tinyTasks(int tasks) {
        try (JavaSparkContext ctx = SparkContexts.create()) {
            List<Integer> data = ints(tasks);
            for (int i = 0; i < WARM_UP_STAGES; i++) {
                ctx.parallelize(data, tasks).count();
            }
            long start = System.nanoTime();
            long count = ctx.parallelize(data, tasks).count();
            double seconds = (System.nanoTime() - start) / 1e9;
            check(count == tasks, "count() of " + tasks + " elements returned " + count);
            report("seconds", seconds);
        }
    }

    private static void tinyJobs(int jobs) {
        try (JavaSparkContext ctx = SparkContexts.create()) {
            List<Integer> data = ints(JOB_INTS);
            int expected = JOB_INTS * (JOB_INTS - 1) / 2;
            long warmUpStart = System.nanoTime();
            for (int i = 0; i < MIN_WARM_UP_JOBS || System.nanoTime() - warmUpStart < WARM_UP_SECONDS * 1e9; i++) {
                ctx.parallelize(data, JOB_PARTITIONS).reduce(Integer::sum);
            }
            List<Double> seconds = new ArrayList<>(jobs);
            for (int i = 0; i < jobs; i++) {
                long start = System.nanoTime();
                int sum = ctx.parallelize(data, JOB_PARTITIONS).reduce(Integer::sum);
                seconds.add((System.nanoTime() - start) / 1e9);
                check(sum == expected, "job " + i + " summed to " + sum + ", expected " + expected);
            }
            Collections.sort(seconds);
            report("seconds", seconds.get(seconds.size() / 2));
        }
    }

    private static void firstResult() {
        try (JavaSparkContext ctx = SparkContexts.create()) {
            List<Integer> result = ctx.parallelize(List.of(1, 2, 3), 2).collect();
            System.out.println("bench-result first-result=" + result);
            System.out.flush();
        }
    }

    private static List<Integer> ints(int n) {
        List<Integer> ints = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ints.add(i);
        }
        return ints;
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }

    private static void report(String name, double value) {
        System.out.println(String.format(Locale.ROOT, "bench-result %s=%.6f", name, value));
        System.out.flush();
    }
}
