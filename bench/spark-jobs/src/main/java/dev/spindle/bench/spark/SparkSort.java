package dev.spindle.bench.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Sort on Spark, the algorithm of Spindle's Sort example: key each line by its first 10 characters, sortByKey
 * into as many partitions as the input has, save the lines.
 *
 * <pre>SparkSort IN OUT</pre>
 */
public final class SparkSort {
    private static final int KEY_LENGTH = 10;

    private SparkSort() {
    }

    public static void main(String[] args) {
        SparkContexts.checkArgs(args, 2, "SparkSort IN OUT");
        try (JavaSparkContext sc = SparkContexts.create()) {
            JavaRDD<String> lines = sc.textFile(args[0]);
            lines.keyBy(line -> line.length() <= KEY_LENGTH ? line : line.substring(0, KEY_LENGTH))
                    .sortByKey(true, lines.getNumPartitions())
                    .values()
                    .saveAsTextFile(args[1]);
        }
    }
}
