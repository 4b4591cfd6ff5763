package dev.spindle.examples;

import dev.spindle.api.Context;
import dev.spindle.api.PairDataset;
import dev.spindle.common.Pair;
import java.util.ArrayList;
import java.util.List;

/**
 * PageRank over {@code src dst} edge lines: the link lists are cached, and each iteration sets
 * {@code rank = 0.15 + 0.85 * sum of contributions} (the formula of Spark's JavaPageRank example).
 * Writes {@code vertex<TAB>rank} lines.
 *
 * <pre>spindle-submit --class dev.spindle.examples.PageRank spindle.jar IN ITERATIONS OUT</pre>
 */
public final class PageRank {
    private PageRank() {
    }

    public static void main(String[] args) {
        Usage.check(args, 3, "PageRank IN ITERATIONS OUT");
        int iterations = Integer.parseInt(args[1]);
        try (Context ctx = Context.create()) {
            PairDataset<String, List<String>> links = ctx.textFile(args[0])
                    .filter(line -> !line.isBlank())
                    .mapToPair(PageRank::edge)
                    .distinct()
                    .groupByKey()
                    .cache();
            PairDataset<String, Double> ranks = links.mapValues(targets -> 1.0);
            for (int i = 0; i < iterations; i++) {
                ranks = links.join(ranks)
                        .values()
                        .flatMapToPair(PageRank::contributions)
                        .reduceByKey(Double::sum)
                        .mapValues(sum -> 0.15 + 0.85 * sum);
            }
            ranks.map(rank -> rank.key() + "\t" + rank.value()).saveAsTextFile(args[2]);
        }
    }

    static Pair<String, String> edge(String line) {
        String[] parts = line.trim().split("\\s+");
        if (parts.length < 2) {
            throw new IllegalArgumentException("edge line '" + line + "' is not 'src dst'");
        }
        return Pair.of(parts[0], parts[1]);
    }

    static java.util.Iterator<Pair<String, Double>> contributions(Pair<List<String>, Double> linksAndRank) {
        List<String> targets = linksAndRank.key();
        double share = linksAndRank.value() / targets.size();
        List<Pair<String, Double>> out = new ArrayList<>(targets.size());
        for (String target : targets) {
            out.add(Pair.of(target, share));
        }
        return out.iterator();
    }
}
