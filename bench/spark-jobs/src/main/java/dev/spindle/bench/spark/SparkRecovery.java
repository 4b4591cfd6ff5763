package dev.spindle.bench.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * The program of the ApplicationMaster recovery benchmark (bench/recovery.sh) on Spark, as SpindleRecovery: a word
 * count of IN1 saved to OUT/counts-1, the local file MARKER written once that save has completed (unless it
 * exists), then a word count of IN2 saved to OUT/counts-2. Spark's second attempt runs main from the start, so the
 * program first deletes OUT, which the killed attempt left behind (Spark refuses to save into an existing
 * directory).
 *
 * <pre>SparkRecovery IN1 IN2 OUT MARKER</pre>
 */
public final class SparkRecovery {
    private SparkRecovery() {
    }

    public static void main(String[] args) throws IOException {
        SparkContexts.checkArgs(args, 4, "SparkRecovery IN1 IN2 OUT MARKER");
        try (JavaSparkContext sc = SparkContexts.create()) {
            org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(args[2]);
            FileSystem fs = out.getFileSystem(sc.hadoopConfiguration());
            fs.delete(out, true);
            wordCount(sc, args[0], args[2] + "/counts-1");
            mark(Path.of(args[3]));
            wordCount(sc, args[1], args[2] + "/counts-2");
        }
    }

    private static void wordCount(JavaSparkContext sc, String in, String out) {
        sc.textFile(in)
                .flatMap(line -> SparkWordCount.words(line).iterator())
                .mapToPair(word -> new Tuple2<>(word, 1))
                .reduceByKey(Integer::sum)
                .map(count -> count._1() + "\t" + count._2())
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
}
