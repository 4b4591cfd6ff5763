package dev.spindle.bench.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** Spark contexts of the benchmark: configured only by {@code spark.*} system properties, which the harness sets. */
final class SparkContexts {
    private SparkContexts() {
    }

    static JavaSparkContext create() {
        return new JavaSparkContext(new SparkConf());
    }

    static void checkArgs(String[] args, int expected, String usage) {
        if (args.length != expected) {
            throw new IllegalArgumentException("usage: " + usage + " (got " + args.length + " arguments)");
        }
    }
}
