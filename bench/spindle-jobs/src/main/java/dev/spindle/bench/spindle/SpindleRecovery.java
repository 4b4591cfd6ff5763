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
 * The program of the ApplicationMaster recovery benchmark (bench/recovery.sh), two actions of the same size: a word
 * count of IN1 saved to OUT/counts-1, then a word count of IN2 (the other half of the input) saved to OUT/counts-2.
 * Once the first action has completed, the driver writes the wall-clock time into the local file MARKER (the
 * ApplicationMaster runs on this machine); the harness waits for it and kills the AM there. A later attempt, which
 * replays the first action, leaves attempt 1's marker in place. The same program as SparkRecovery.
 *
 * <pre>SpindleRecovery IN1 IN2 OUT MARKER</pre>
 */
public final class SpindleRecovery {
    private SpindleRecovery() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: SpindleRecovery IN1 IN2 OUT MARKER (got " + args.length
                    + " arguments)");
        }
        try (Context ctx = Context.create()) {
            wordCount(ctx, args[0], args[2] + "/counts-1");
            mark(Path.of(args[3]));
            wordCount(ctx, args[1], args[2] + "/counts-2");
        }
    }

    private static void wordCount(Context ctx, String in, String out) {
        ctx.textFile(in)
                .flatMap(line -> words(line).iterator())
                .mapToPair(word -> Pair.of(word, 1))
                .reduceByKey(Integer::sum)
                .map(count -> count.key() + "\t" + count.value())
                .saveAsTextFile(out);
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
