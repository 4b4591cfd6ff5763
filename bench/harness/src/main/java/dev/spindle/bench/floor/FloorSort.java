package dev.spindle.bench.floor;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Sort without a framework, the floor under the engines' sort: each thread reads one line-aligned slice of the
 * file and sorts it by the first 10 characters, then the sorted slices are merged into {@code OUT/part-00000}.
 *
 * <pre>FloorSort IN OUT THREADS</pre>
 */
public final class FloorSort {
    private static final int KEY_LENGTH = 10;
    private static final Comparator<String> BY_KEY = FloorSort::compareKeys;

    private FloorSort() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        int threads = Integer.parseInt(args[2]);
        List<Callable<List<String>>> slices = new ArrayList<>();
        for (FileRanges.Range range : FileRanges.split(in, threads)) {
            slices.add(() -> sortedSlice(in, range));
        }
        merge(Workers.runAll(slices), out);
    }

    private static List<String> sortedSlice(Path in, FileRanges.Range range) throws IOException {
        List<String> lines = new ArrayList<>();
        FileRanges.forEachLine(in, range, lines::add);
        lines.sort(BY_KEY);
        return lines;
    }

    /** Writes the sorted slices as one sorted file, taking the smallest head line each time. */
    private static void merge(List<List<String>> slices, Path out) throws IOException {
        Files.createDirectories(out);
        int[] next = new int[slices.size()];
        try (BufferedWriter writer = Files.newBufferedWriter(out.resolve("part-00000"), StandardCharsets.ISO_8859_1,
                StandardOpenOption.CREATE_NEW)) {
            for (int smallest = smallestHead(slices, next); smallest >= 0; smallest = smallestHead(slices, next)) {
                writer.append(slices.get(smallest).get(next[smallest]++)).append('\n');
            }
        }
    }

    private static int smallestHead(List<List<String>> slices, int[] next) {
        int smallest = -1;
        for (int i = 0; i < slices.size(); i++) {
            if (next[i] < slices.get(i).size() && (smallest < 0
                    || BY_KEY.compare(slices.get(i).get(next[i]), slices.get(smallest).get(next[smallest])) < 0)) {
                smallest = i;
            }
        }
        return smallest;
    }

    /** The first {@code KEY_LENGTH} characters compared as Strings, as the engines' sortByKey does. */
    private static int compareKeys(String a, String b) {
        int lengthA = Math.min(KEY_LENGTH, a.length());
        int lengthB = Math.min(KEY_LENGTH, b.length());
        for (int i = 0; i < Math.min(lengthA, lengthB); i++) {
            int diff = a.charAt(i) - b.charAt(i);
            if (diff != 0) {
                return diff;
            }
        }
        return lengthA - lengthB;
    }
}
