package dev.spindle.bench.check;

import dev.spindle.bench.data.DataLayout;
import dev.spindle.bench.data.Manifest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Cheap correctness checks of the last run's outputs, one method per workload; each returns warning lines
 * (empty when all is well). {@code outputs} maps an engine's name to its output directory.
 */
public final class OutputChecks {
    private static final int SORT_KEY_LENGTH = 10;
    private static final double RANK_SUM_TOLERANCE = 1e-6;

    private OutputChecks() {
    }

    /** Every engine wrote one line per distinct word, and the counts add up to the number of words. */
    public static List<String> wordCount(Manifest manifest, Map<String, Path> outputs) throws IOException {
        List<String> warnings = new ArrayList<>();
        for (Map.Entry<String, Path> output : outputs.entrySet()) {
            long[] linesAndTotal = new long[2];
            OutputFiles.forEachLine(output.getValue(), line -> {
                linesAndTotal[0]++;
                linesAndTotal[1] += Long.parseLong(line.substring(line.lastIndexOf('\t') + 1));
            });
            if (linesAndTotal[0] != manifest.words().distinct() || linesAndTotal[1] != manifest.words().tokens()) {
                warnings.add(String.format(Locale.ROOT,
                        "wordcount: %s wrote %,d words with a total count of %,d; the input has %,d distinct words "
                                + "and %,d words in all", output.getKey(), linesAndTotal[0], linesAndTotal[1],
                        manifest.words().distinct(), manifest.words().tokens()));
            }
        }
        return warnings;
    }

    /** Every engine wrote the input's records (same count and checksum) in global key order. */
    public static List<String> sort(DataLayout data, Manifest manifest, Map<String, Path> outputs)
            throws IOException {
        List<String> warnings = new ArrayList<>();
        LineDigest input = new LineDigest();
        OutputFiles.forEachLineOfFile(data.sortRecords(), input::add);
        for (Map.Entry<String, Path> output : outputs.entrySet()) {
            LineDigest digest = new LineDigest();
            SortOrder order = new SortOrder(SORT_KEY_LENGTH);
            OutputFiles.forEachLine(output.getValue(), line -> {
                digest.add(line);
                order.add(line);
            });
            if (!digest.equals(input)) {
                warnings.add(String.format(Locale.ROOT, "sort: %s wrote %,d records (checksum %016x); the input "
                                + "has %,d (checksum %016x)", output.getKey(), digest.lines(), digest.sum(),
                        manifest.sort().records(), input.sum()));
            }
            order.firstDisorder().ifPresent(lineNo -> warnings.add(String.format(Locale.ROOT,
                    "sort: %s output is not globally ordered: line %,d has a smaller key than the line before",
                    output.getKey(), lineNo)));
        }
        return warnings;
    }

    /** Every engine wrote one line per left row (each has one match), and all wrote the same lines. */
    public static List<String> join(Manifest manifest, Map<String, Path> outputs) throws IOException {
        List<String> warnings = new ArrayList<>();
        String firstEngine = null;
        LineDigest first = null;
        for (Map.Entry<String, Path> output : outputs.entrySet()) {
            LineDigest digest = new LineDigest();
            OutputFiles.forEachLine(output.getValue(), digest::add);
            if (digest.lines() != manifest.join().leftRows()) {
                warnings.add(String.format(Locale.ROOT, "join: %s wrote %,d rows; expected %,d (one per left row)",
                        output.getKey(), digest.lines(), manifest.join().leftRows()));
            }
            if (first == null) {
                firstEngine = output.getKey();
                first = digest;
            } else if (!digest.equals(first)) {
                warnings.add(String.format(Locale.ROOT, "join: %s and %s wrote different rows (checksums %016x "
                        + "and %016x)", firstEngine, output.getKey(), first.sum(), digest.sum()));
            }
        }
        return warnings;
    }

    /** All engines ranked the same vertices, and their ranks add up to the same total. */
    public static List<String> pageRank(Map<String, Path> outputs) throws IOException {
        List<String> warnings = new ArrayList<>();
        String firstEngine = null;
        double[] first = null;
        for (Map.Entry<String, Path> output : outputs.entrySet()) {
            double[] linesAndSum = new double[2];
            OutputFiles.forEachLine(output.getValue(), line -> {
                linesAndSum[0]++;
                linesAndSum[1] += Double.parseDouble(line.substring(line.lastIndexOf('\t') + 1));
            });
            if (first == null) {
                firstEngine = output.getKey();
                first = linesAndSum;
            } else if (linesAndSum[0] != first[0]
                    || Math.abs(linesAndSum[1] - first[1]) > RANK_SUM_TOLERANCE * Math.max(1, Math.abs(first[1]))) {
                warnings.add(String.format(Locale.ROOT, "pagerank: %s ranked %,.0f vertices (rank sum %.6f), %s "
                                + "ranked %,.0f (rank sum %.6f)", firstEngine, first[0], first[1], output.getKey(),
                        linesAndSum[0], linesAndSum[1]));
            }
        }
        return warnings;
    }
}
