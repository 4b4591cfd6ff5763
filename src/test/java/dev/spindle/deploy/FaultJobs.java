package dev.spindle.deploy;

import java.util.Map;

/** The program of the fault tests, compiled into a jar: a word count with hooks where faults are injected. */
final class FaultJobs {
    private FaultJobs() {
    }

    /**
     * {@code it.FaultJob INPUT OUTPUT MARKERS MODE}: word count of INPUT into OUTPUT (4 map and 4 reduce tasks). MODE
     * picks the hook ({@code lose-node}: map tasks 0 and 1 run at once, so each of two one-slot executors holds map
     * output, then reduce tasks 0 and 1 are held). A held task creates {@code MARKERS/<name>} (once: later attempts go on) and
     * {@code MARKERS/<name>-pid-<pid>}, then waits for {@code MARKERS/release}; the test kills it meanwhile.
     */
    static final String PROGRAM = """
            package it;

            import dev.spindle.api.Context;
            import dev.spindle.common.Pair;
            import java.util.ArrayList;
            import java.util.List;
            import org.apache.hadoop.conf.Configuration;
            import org.apache.hadoop.fs.FileSystem;
            import org.apache.hadoop.fs.Path;

            public class FaultJob {
                public static void main(String[] args) throws Exception {
                    String input = args[0];
                    String output = args[1];
                    String markers = args[2];
                    String mode = args[3];
                    try (Context ctx = Context.create()) {
                        ctx.textFile(input, 4)
                                .mapPartitionsWithIndex((partition, lines) -> {
                                    mapHook(markers, mode, partition);
                                    return lines;
                                })
                                .flatMap(line -> {
                                    List<String> words = new ArrayList<>();
                                    for (String word : line.split(" ")) {
                                        if (!word.isEmpty()) {
                                            words.add(word);
                                        }
                                    }
                                    return words.iterator();
                                })
                                .mapToPair(word -> Pair.of(word, 1))
                                .reduceByKey(Integer::sum, 4)
                                .mapPartitionsWithIndex((partition, counts) -> {
                                    if (mode.equals("kill-reduce") && partition == 0) {
                                        hold(markers, "reduce-0");
                                    }
                                    if (mode.equals("lose-node") && partition < 2) {
                                        hold(markers, "reduce-" + partition);
                                    }
                                    return counts;
                                })
                                .map(p -> p.key() + "\\t" + p.value())
                                .saveAsTextFile(output);
                    }
                }

                static void mapHook(String markers, String mode, int partition) throws Exception {
                    switch (mode) {
                        case "kill-map" -> {
                            if (partition == 0) {
                                hold(markers, "map-0");
                            }
                        }
                        case "lose-node" -> {
                            if (partition < 2) {
                                meet(markers, "map-" + partition, "map-" + (1 - partition));
                            }
                        }
                        case "flaky" -> {
                            if (partition == 1) {
                                FileSystem fs = new Path(markers).getFileSystem(new Configuration());
                                int failed = 0;
                                while (!fs.createNewFile(new Path(markers, "flaky-attempt-" + failed))) {
                                    failed++;
                                }
                                if (failed < 3) {
                                    throw new IllegalStateException("flaky failure " + (failed + 1) + " of 3");
                                }
                            }
                        }
                        case "always-fail" -> {
                            if (partition == 1) {
                                throw new IllegalStateException("bad record in partition 1");
                            }
                        }
                        default -> {
                        }
                    }
                }

                static void hold(String markers, String name) throws Exception {
                    FileSystem fs = new Path(markers).getFileSystem(new Configuration());
                    if (fs.createNewFile(new Path(markers, name))) {
                        fs.createNewFile(new Path(markers, name + "-pid-" + ProcessHandle.current().pid()));
                        awaitRelease(fs, markers);
                    }
                }

                /**
                 * Marks {@code name} as started and waits until {@code other} has too: two tasks that meet run on
                 * two executors of one slot each at once.
                 */
                static void meet(String markers, String name, String other) throws Exception {
                    FileSystem fs = new Path(markers).getFileSystem(new Configuration());
                    fs.createNewFile(new Path(markers, name + "-started"));
                    while (!fs.exists(new Path(markers, other + "-started"))) {
                        Thread.sleep(50);
                    }
                }

                /** Waits for the test's release marker: a condition, checked every 50 ms. */
                static void awaitRelease(FileSystem fs, String markers) throws Exception {
                    while (!fs.exists(new Path(markers, "release"))) {
                        Thread.sleep(50);
                    }
                }
            }
            """;

    /**
     * HDFS under the scheme {@code pausehdfs}: the first part file moved into a final output directory (job commit,
     * in the ApplicationMaster) creates {@code /markers/<output name>/commit} and waits for {@code release} there
     * (a test that kills the ApplicationMaster there never releases it).
     */
    static final String PAUSING_FS = """
            package it;

            import java.io.IOException;
            import java.net.URI;
            import org.apache.hadoop.conf.Configuration;
            import org.apache.hadoop.fs.Path;

            public class PausingFs extends org.apache.hadoop.hdfs.DistributedFileSystem {
                private URI uri;

                @Override
                public String getScheme() {
                    return "pausehdfs";
                }

                @Override
                public void initialize(URI name, Configuration conf) throws IOException {
                    uri = URI.create("pausehdfs://" + name.getAuthority());
                    super.initialize(URI.create("hdfs://" + name.getAuthority()), conf);
                }

                @Override
                public URI getUri() {
                    return uri;
                }

                @Override
                public boolean rename(Path src, Path dst) throws IOException {
                    boolean moved = super.rename(src, dst);
                    boolean jobCommit = src.toString().contains("/_temporary/")
                            && !dst.toString().contains("/_temporary/") && dst.getName().startsWith("part-");
                    String markers = "/markers/" + dst.getParent().getName();
                    if (jobCommit && createNewFile(new Path(markers + "/commit"))) {
                        try {
                            while (!exists(new Path(markers, "release"))) { // until released, or killed
                                Thread.sleep(50);
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IOException(e);
                        }
                    }
                    return moved;
                }
            }
            """;

    static Map<String, String> sources() {
        return Map.of("it.FaultJob", PROGRAM, "it.PausingFs", PAUSING_FS);
    }
}
