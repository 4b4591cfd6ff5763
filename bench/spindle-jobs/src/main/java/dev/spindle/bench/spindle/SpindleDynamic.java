package dev.spindle.bench.spindle;

import dev.spindle.api.Context;
import dev.spindle.common.Pair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The program of the dynamic allocation benchmark (bench/dynamic.sh), three phases in one application: a word count
 * of IN in PARTITIONS map and PARTITIONS reduce tasks (the number of distinct words is its result), then a pause of
 * PAUSE_SECONDS in the driver, in which the application has no work at all, then the same word count again. The
 * pause is the workload: it is what dynamic allocation should not pay executors for. When the second count is done
 * the driver writes one line into the local file RESULT (the ApplicationMaster runs on this machine):
 * {@code DISTINCT_1 DISTINCT_2 MAIN_START CONTEXT_UP PHASE_1_END PHASE_2_START PHASE_2_END}, times in epoch ms. The
 * same program as SparkDynamic.
 *
 * <pre>SpindleDynamic IN PARTITIONS PAUSE_SECONDS RESULT</pre>
 */
public final class SpindleDynamic {
    private SpindleDynamic() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: SpindleDynamic IN PARTITIONS PAUSE_SECONDS RESULT (got "
                    + args.length + " arguments)");
        }
        long mainStart = System.currentTimeMillis();
        String in = args[0];
        int partitions = Integer.parseInt(args[1]);
        long pauseMillis = Long.parseLong(args[2]) * 1000;
        try (Context ctx = Context.create()) {
            long contextUp = System.currentTimeMillis();
            long distinct1 = distinctWords(ctx, in, partitions);
            long phase1End = System.currentTimeMillis();
            Thread.sleep(pauseMillis);
            long phase2Start = System.currentTimeMillis();
            long distinct2 = distinctWords(ctx, in, partitions);
            long phase2End = System.currentTimeMillis();
            write(Path.of(args[3]), distinct1 + " " + distinct2 + " " + mainStart + " " + contextUp + " " + phase1End
                    + " " + phase2Start + " " + phase2End);
        }
    }

    /** A shuffle of every word of {@code in}: map tasks split and count, reduce tasks sum; the distinct words. */
    private static long distinctWords(Context ctx, String in, int partitions) {
        return ctx.textFile(in, partitions)
                .flatMap(line -> SpindleRecovery.words(line).iterator())
                .mapToPair(word -> Pair.of(word, 1))
                .reduceByKey(Integer::sum, partitions)
                .count();
    }

    /** Writes {@code line} into {@code file} atomically, so that a reader never sees it partial. */
    private static void write(Path file, String line) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.writeString(partial, line + "\n");
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
