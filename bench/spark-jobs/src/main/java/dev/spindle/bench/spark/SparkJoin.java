package dev.spindle.bench.spark;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * Join on Spark, the algorithm of Spindle's Join example: {@code key,value} lines ⋈ {@code key,name} lines, saved
 * as {@code key<TAB>value<TAB>name}.
 *
 * <pre>SparkJoin LEFT RIGHT OUT</pre>
 */
public final class SparkJoin {
    private SparkJoin() {
    }

    public static void main(String[] args) {
        SparkContexts.checkArgs(args, 3, "SparkJoin LEFT RIGHT OUT");
        try (JavaSparkContext sc = SparkContexts.create()) {
            JavaPairRDD<String, String> left = sc.textFile(args[0]).mapToPair(SparkJoin::keyed);
            JavaPairRDD<String, String> right = sc.textFile(args[1]).mapToPair(SparkJoin::keyed);
            left.join(right)
                    .map(match -> match._1() + "\t" + match._2()._1() + "\t" + match._2()._2())
                    .saveAsTextFile(args[2]);
        }
    }

    static Tuple2<String, String> keyed(String line) {
        int comma = line.indexOf(',');
        if (comma < 0) {
            throw new IllegalArgumentException("line '" + line + "' is not 'key,value'");
        }
        return new Tuple2<>(line.substring(0, comma), line.substring(comma + 1));
    }
}
