package dev.spindle.bench.floor;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Word count without a framework, the floor under the engines' word count: each thread counts the words of one
 * line-aligned slice of the file into its own map, the maps are merged, and {@code word<TAB>count} lines are
 * written to {@code OUT/part-00000}. Words are split on whitespace exactly as Spindle's example does.
 *
 * <pre>FloorWordCount IN OUT THREADS</pre>
 */
public final class FloorWordCount {
    private FloorWordCount() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        int threads = Integer.parseInt(args[2]);
        List<Callable<Map<String, int[]>>> slices = new ArrayList<>();
        for (FileRanges.Range range : FileRanges.split(in, threads)) {
            slices.add(() -> count(in, range));
        }
        Map<String, int[]> total = new HashMap<>();
        for (Map<String, int[]> counts : Workers.runAll(slices)) {
            counts.forEach((word, count) -> total.computeIfAbsent(word, w -> new int[1])[0] += count[0]);
        }
        write(total, out);
    }

    private static Map<String, int[]> count(Path in, FileRanges.Range range) throws IOException {
        Map<String, int[]> counts = new HashMap<>();
        FileRanges.forEachLine(in, range, line -> countWords(line, counts));
        return counts;
    }

    private static void countWords(String line, Map<String, int[]> counts) {
        int start = -1;
        for (int i = 0; i <= line.length(); i++) {
            boolean boundary = i == line.length() || Character.isWhitespace(line.charAt(i));
            if (boundary && start >= 0) {
                counts.computeIfAbsent(line.substring(start, i), w -> new int[1])[0]++;
                start = -1;
            } else if (!boundary && start < 0) {
                start = i;
            }
        }
    }

    private static void write(Map<String, int[]> counts, Path out) throws IOException {
        Files.createDirectories(out);
        try (BufferedWriter writer = Files.newBufferedWriter(out.resolve("part-00000"), StandardCharsets.UTF_8)) {
            for (Map.Entry<String, int[]> count : counts.entrySet()) {
                writer.append(count.getKey()).append('\t').append(Integer.toString(count.getValue()[0])).append('\n');
            }
        }
    }
}
