package dev.spindle.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.common.Pair;
import dev.spindle.config.SpindleConf;
import dev.spindle.plan.Partition;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.DFSConfigKeys;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Reading and writing {@code hdfs://} paths against a MiniDFSCluster: block splits with hosts, commit, errors. */
@Timeout(180)
class HdfsIoTest {
    private static final long BLOCK = 1024 * 1024; // the NameNode's minimum block size

    @TempDir
    static Path base;
    private static MiniDFSCluster cluster;
    private static FileSystem fs;
    private static String root;
    private static Context ctx;

    @BeforeAll
    static void start() throws IOException {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.resolve("dfs").toString());
        conf.setLong(DFSConfigKeys.DFS_BLOCK_SIZE_KEY, BLOCK);
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(2).build();
        cluster.waitActive();
        fs = cluster.getFileSystem();
        root = fs.getUri() + "/user/test";
        ctx = new Context(SpindleConf.empty().with("spindle.master", "local[2]")
                .with("spindle.hadoop.dfs.blocksize", String.valueOf(BLOCK)));
    }

    @AfterAll
    static void stop() throws IOException {
        if (ctx != null) {
            ctx.close();
        }
        if (fs != null) {
            fs.close();
        }
        if (cluster != null) {
            cluster.shutdown(true);
        }
    }

    private static List<String> writeLines(String path, int n) throws IOException {
        List<String> lines = new ArrayList<>();
        try (BufferedWriter out = new BufferedWriter(new OutputStreamWriter(
                fs.create(new org.apache.hadoop.fs.Path(path), true), StandardCharsets.UTF_8))) {
            for (int i = 0; i < n; i++) {
                String line = "record-" + i + " " + "v".repeat(i % 90);
                lines.add(line);
                out.write(line);
                out.write('\n');
            }
        }
        return lines;
    }

    @Test
    void aMultiBlockFileSplitsByBlockWithTheDataNodesAsPreferredHosts() throws IOException {
        String path = root + "/input/lines.txt";
        List<String> expected = writeLines(path, 80_000); // ~4.6 MB: five 1 MB blocks
        FileStatus status = fs.getFileStatus(new org.apache.hadoop.fs.Path(path));
        assertThat(status.getLen()).isGreaterThan(4 * BLOCK);

        Dataset<String> lines = ctx.textFile(path);
        assertThat(lines.getNumPartitions()).isEqualTo((int) ((status.getLen() + BLOCK - 1) / BLOCK));
        List<String> dataNodeHosts = Arrays.stream(fs.getFileBlockLocations(status, 0, status.getLen()))
                .flatMap(b -> Arrays.stream(hosts(b))).distinct().toList();
        for (Partition partition : lines.node().partitions()) {
            assertThat(lines.node().preferredHosts(partition)).as("hosts of " + partition)
                    .isNotEmpty().isSubsetOf(dataNodeHosts);
        }
        assertThat(lines.collect()).containsExactlyElementsOf(expected);
    }

    private static String[] hosts(org.apache.hadoop.fs.BlockLocation block) {
        try {
            return block.getHosts();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void wordCountFromHdfsToHdfs() throws IOException {
        String in = root + "/wc/in.txt";
        try (BufferedWriter out = new BufferedWriter(new OutputStreamWriter(
                fs.create(new org.apache.hadoop.fs.Path(in), true), StandardCharsets.UTF_8))) {
            for (int i = 0; i < 3000; i++) {
                out.write("a b  b\tc c c\n");
            }
        }
        String output = root + "/wc/out";
        ctx.textFile(in)
                .flatMap(l -> Arrays.stream(l.split("\\s+")).filter(w -> !w.isEmpty()).iterator())
                .mapToPair(w -> Pair.of(w, 1))
                .reduceByKey(Integer::sum, 3)
                .saveAsTextFile(output);
        List<String> names = Arrays.stream(fs.listStatus(new org.apache.hadoop.fs.Path(output)))
                .map(s -> s.getPath().getName()).sorted().toList();
        assertThat(names).containsExactly("_SUCCESS", "part-00000", "part-00001", "part-00002");
        Map<String, Integer> counts = ctx.textFile(output)
                .mapToPair(l -> Pair.of(l.split("\t")[0], Integer.parseInt(l.split("\t")[1])))
                .collectAsMap();
        assertThat(counts).isEqualTo(Map.of("a", 3000, "b", 6000, "c", 9000));
    }

    @Test
    void anExistingHdfsOutputIsRejectedBeforeAnyWork() throws IOException {
        String output = root + "/exists";
        fs.mkdirs(new org.apache.hadoop.fs.Path(output));
        assertThatThrownBy(() -> ctx.parallelize(IntStream.range(0, 10).boxed().toList(), 2)
                .saveAsTextFile(output))
                .hasMessageContaining(output.substring(output.indexOf("/user/")))
                .hasMessageContaining("already exists");
        assertThat(fs.listStatus(new org.apache.hadoop.fs.Path(output))).isEmpty();
    }

    @Test
    void aMissingHdfsInputNamesThePath() {
        assertThatThrownBy(() -> ctx.textFile(root + "/no/such/file").count())
                .hasMessageContaining("/no/such/file")
                .hasMessageContaining("does not exist");
    }
}
