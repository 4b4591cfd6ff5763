package dev.spindle.bench.spindle;

import dev.spindle.api.Context;
import dev.spindle.common.Pair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The program of the ApplicationMaster recovery benchmark (bench/recovery.sh), two actions over the same input:
 * a word count saved to OUT/counts, then the histogram of word lengths saved to OUT/lengths. Once the first action
 * has completed, the driver writes the wall-clock time into the local file MARKER (the ApplicationMaster runs on
 * this machine); the harness waits for it and kills the AM there. A later attempt, which replays the first action,
 * leaves attempt 1's marker in place. The same program as SparkRecovery.
 *
 * <pre>SpindleRecovery IN OUT MARKER</pre>
 */
public final class SpindleRecovery {
    private SpindleRecovery() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: SpindleRecovery IN OUT MARKER (got " + args.length
                    + " arguments)");
        }
        String in = args[0];
        String out = args[1];
        try (Context ctx = Context.create()) {
            ctx.textFile(in)
                    .flatMap(line -> words(line).iterator())
                    .mapToPair(word -> Pair.of(word, 1))
                    .reduceByKey(Integer::sum)
                    .map(count -> count.key() + "\t" + count.value())
                    .saveAsTextFile(out + "/counts");
            mark(Path.of(args[2]));
            ctx.textFile(in)
                    .flatMap(line -> words(line).iterator())
                    .mapToPair(word -> Pair.of(word.length(), 1L))
                    .reduceByKey(Long::sum)
                    .map(count -> count.key() + "\t" + count.value())
                    .saveAsTextFile(out + "/lengths");
        }
    }

    /** Writes the current time into {@code marker} unless it exists; atomically, so a reader never sees it empty. */
    static void mark(Path marker) throws IOException {
        if (Files.exists(marker)) {
            return;
        }
        Files.createDirectories(marker.toAbsolutePath().getParent());
        Path partial = marker.resolveSibling(marker.getFileName() + ".partial");
        Files.writeString(partial, Long.toString(System.currentTimeMillis()));
        Files.move(partial, marker, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The whitespace-separated, non-empty tokens of {@code line} (as Spindle's WordCount example). */
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
