package dev.spindle.bench.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * The program of the dynamic allocation benchmark (bench/dynamic.sh) on Spark, as SpindleDynamic: a word count of IN
 * in PARTITIONS map and PARTITIONS reduce tasks, a pause of PAUSE_SECONDS in the driver, the same word count again,
 * then one line into the local file RESULT:
 * {@code DISTINCT_1 DISTINCT_2 MAIN_START CONTEXT_UP PHASE_1_END PHASE_2_START PHASE_2_END}, times in epoch ms.
 *
 * <pre>SparkDynamic IN PARTITIONS PAUSE_SECONDS RESULT</pre>
 */
public final class SparkDynamic {
    private SparkDynamic() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        SparkContexts.checkArgs(args, 4, "SparkDynamic IN PARTITIONS PAUSE_SECONDS RESULT");
        long mainStart = System.currentTimeMillis();
        String in = args[0];
        int partitions = Integer.parseInt(args[1]);
        long pauseMillis = Long.parseLong(args[2]) * 1000;
        try (JavaSparkContext sc = SparkContexts.create()) {
            long contextUp = System.currentTimeMillis();
            long distinct1 = distinctWords(sc, in, partitions);
            long phase1End = System.currentTimeMillis();
            Thread.sleep(pauseMillis);
            long phase2Start = System.currentTimeMillis();
            long distinct2 = distinctWords(sc, in, partitions);
            long phase2End = System.currentTimeMillis();
            write(Path.of(args[3]), distinct1 + " " + distinct2 + " " + mainStart + " " + contextUp + " " + phase1End
                    + " " + phase2Start + " " + phase2End);
        }
    }

    private static long distinctWords(JavaSparkContext sc, String in, int partitions) {
        return sc.textFile(in, partitions)
                .flatMap(line -> SparkWordCount.words(line).iterator())
                .mapToPair(word -> new Tuple2<>(word, 1))
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
