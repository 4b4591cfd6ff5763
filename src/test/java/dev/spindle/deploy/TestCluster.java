package dev.spindle.deploy;

import dev.spindle.yarn.mini.EmbeddedCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.client.api.YarnClient;

/**
 * The embedded cluster of one integration test class under {@code target/<name>}, with what its tests use: HDFS,
 * submissions ({@link ClusterRuns}) and a ResourceManager client. Closed in the class's {@code @AfterAll}.
 */
final class TestCluster implements AutoCloseable {
    final Path work;
    final EmbeddedCluster cluster;
    final FileSystem fs;
    final ClusterRuns runs;
    final YarnClient yarn;

    private TestCluster(Path work, EmbeddedCluster cluster) throws IOException {
        this.work = work;
        this.cluster = cluster;
        this.fs = cluster.fileSystem();
        this.runs = ClusterRuns.on(cluster, work);
        this.yarn = ClusterRuns.yarnClient(cluster);
    }

    static TestCluster start(String name, int nodeManagers, Configuration overrides) throws IOException {
        Path work = Files.createDirectories(ClusterRuns.HOME.resolve("target/" + name));
        EmbeddedCluster cluster = EmbeddedCluster.start(name, work.resolve("cluster"), nodeManagers, overrides);
        try {
            return new TestCluster(work, cluster);
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** Closes {@code cluster} when it started (an {@code @AfterAll} after a failed {@code @BeforeAll}). */
    static void close(TestCluster cluster) {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    public void close() {
        yarn.stop();
        cluster.close();
    }
}
