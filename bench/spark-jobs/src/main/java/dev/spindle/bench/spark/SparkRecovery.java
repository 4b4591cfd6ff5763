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
 * count saved to OUT/counts, the local file MARKER written once the save has completed (unless it exists), then the
 * histogram of word lengths saved to OUT/lengths. Spark's second attempt runs main from the start, so the program
 * first deletes OUT, which the killed attempt left behind (Spark refuses to save into an existing directory).
 *
 * <pre>SparkRecovery IN OUT MARKER</pre>
 */
public final class SparkRecovery {
    private SparkRecovery() {
    }

    public static void main(String[] args) throws IOException {
        SparkContexts.checkArgs(args, 3, "SparkRecovery IN OUT MARKER");
        String in = args[0];
        String out = args[1];
        try (JavaSparkContext sc = SparkContexts.create()) {
            org.apache.hadoop.fs.Path outPath = new org.apache.hadoop.fs.Path(out);
            FileSystem fs = outPath.getFileSystem(sc.hadoopConfiguration());
            fs.delete(outPath, true);
            sc.textFile(in)
                    .flatMap(line -> SparkWordCount.words(line).iterator())
                    .mapToPair(word -> new Tuple2<>(word, 1))
                    .reduceByKey(Integer::sum)
                    .map(count -> count._1() + "\t" + count._2())
                    .saveAsTextFile(out + "/counts");
            mark(Path.of(args[2]));
            sc.textFile(in)
                    .flatMap(line -> SparkWordCount.words(line).iterator())
                    .mapToPair(word -> new Tuple2<>(word.length(), 1L))
                    .reduceByKey(Long::sum)
                    .map(count -> count._1() + "\t" + count._2())
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
}
