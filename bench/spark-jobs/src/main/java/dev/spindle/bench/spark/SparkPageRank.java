package dev.spindle.bench.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * PageRank on Spark, as in Spark's JavaPageRank example and Spindle's PageRank example: distinct edges grouped
 * into cached link lists; each iteration joins links with ranks, spreads each rank evenly over the targets and
 * sets {@code rank = 0.15 + 0.85 * sum of contributions}. Saves {@code vertex<TAB>rank} lines.
 *
 * <pre>SparkPageRank IN ITERATIONS OUT</pre>
 */
public final class SparkPageRank {
    private SparkPageRank() {
    }

    public static void main(String[] args) {
        SparkContexts.checkArgs(args, 3, "SparkPageRank IN ITERATIONS OUT");
        int iterations = Integer.parseInt(args[1]);
        try (JavaSparkContext sc = SparkContexts.create()) {
            JavaPairRDD<String, Iterable<String>> links = sc.textFile(args[0])
                    .filter(line -> !line.isBlank())
                    .mapToPair(SparkPageRank::edge)
                    .distinct()
                    .groupByKey()
                    .cache();
            JavaPairRDD<String, Double> ranks = links.mapValues(targets -> 1.0);
            for (int i = 0; i < iterations; i++) {
                ranks = links.join(ranks)
                        .values()
                        .flatMapToPair(SparkPageRank::contributions)
                        .reduceByKey(Double::sum)
                        .mapValues(sum -> 0.15 + 0.85 * sum);
            }
            ranks.map(rank -> rank._1() + "\t" + rank._2()).saveAsTextFile(args[2]);
        }
    }

    static Tuple2<String, String> edge(String line) {
        String[] parts = line.trim().split("\\s+");
        if (parts.length < 2) {
            throw new IllegalArgumentException("edge line '" + line + "' is not 'src dst'");
        }
        return new Tuple2<>(parts[0], parts[1]);
    }

    static Iterator<Tuple2<String, Double>> contributions(Tuple2<Iterable<String>, Double> linksAndRank) {
        List<String> targets = new ArrayList<>();
        linksAndRank._1().forEach(targets::add);
        double share = linksAndRank._2() / targets.size();
        List<Tuple2<String, Double>> out = new ArrayList<>(targets.size());
        for (String target : targets) {
            out.add(new Tuple2<>(target, share));
        }
        return out.iterator();
    }
}
