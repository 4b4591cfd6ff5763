package dev.spindle.bench.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * Word count on Spark, the algorithm of Spindle's WordCount example: split lines on whitespace, drop empty
 * tokens, reduceByKey, save {@code word<TAB>count} lines.
 *
 * <pre>SparkWordCount IN OUT</pre>
 */
public final class SparkWordCount {
    private SparkWordCount() {
    }

    public static void main(String[] args) {
        SparkContexts.checkArgs(args, 2, "SparkWordCount IN OUT");
        try (JavaSparkContext sc = SparkContexts.create()) {
            sc.textFile(args[0])
                    .flatMap(line -> words(line).iterator())
                    .mapToPair(word -> new Tuple2<>(word, 1))
                    .reduceByKey(Integer::sum)
                    .map(count -> count._1() + "\t" + count._2())
                    .saveAsTextFile(args[1]);
        }
    }

    /** The whitespace-separated, non-empty tokens of {@code line} (Character.isWhitespace, as Spindle's). */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= line.length(); i++) {
            boolean boundary = i == line.length() || Character.isWhitespace(line.charAt(i));
            if (boundary && start >= 0) {
                words.add(line.substring(start, i));
                start = -1;
            } else if (!boundary && start < 0) {
                start = i;
            }
        }
        return words;
    }
}
