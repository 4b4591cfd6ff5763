package dev.spindle.examples;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The PageRank example's algorithm in plain Java, as the reference for tests and benchmarks. */
final class PlainPageRank {
    private PlainPageRank() {
    }

    static Map<String, Double> ranks(List<String> edgeLines, int iterations) {
        Map<String, Set<String>> links = new HashMap<>();
        for (String line : edgeLines) {
            String[] parts = line.trim().split("\\s+");
            links.computeIfAbsent(parts[0], k -> new LinkedHashSet<>()).add(parts[1]);
        }
        Map<String, Double> ranks = new HashMap<>();
        links.keySet().forEach(v -> ranks.put(v, 1.0));
        for (int i = 0; i < iterations; i++) {
            Map<String, Double> sums = new HashMap<>();
            for (Map.Entry<String, Set<String>> e : links.entrySet()) {
                Double rank = ranks.get(e.getKey());
                if (rank == null) {
                    continue;
                }
                for (String target : e.getValue()) {
                    sums.merge(target, rank / e.getValue().size(), Double::sum);
                }
            }
            ranks.clear();
            sums.forEach((v, s) -> ranks.put(v, 0.15 + 0.85 * s));
        }
        return ranks;
    }
}
