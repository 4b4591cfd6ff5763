package dev.spindle.yarn.mini;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.hadoop.yarn.server.nodemanager.NodeManager;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * HDFS (MiniDFSCluster, one DataNode) and YARN (MiniYARNCluster: a ResourceManager and N NodeManagers) in this JVM,
 * configured as measured on these machines (see shared/NOTES-hadoop.md): the capacity scheduler with one queue,
 * 256 MB allocation steps, physical-memory enforcement on and the virtual-memory check off, fast container kills.
 * Used by the YARN integration tests and by {@code bin/spindle-minicluster}, which writes a {@code HADOOP_CONF_DIR}.
 */
public final class EmbeddedCluster implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(EmbeddedCluster.class);

    private final MiniDFSCluster dfs;
    private final MiniYARNCluster yarn;
    private final int nodeManagers;

    private EmbeddedCluster(MiniDFSCluster dfs, MiniYARNCluster yarn, int nodeManagers) {
        this.dfs = dfs;
        this.yarn = yarn;
        this.nodeManagers = nodeManagers;
    }

    /**
     * Starts the clusters with their data under {@code baseDir}.
     *
     * @param name names the YARN cluster (its files go under {@code target/<name>} of the working directory)
     * @param overrides settings applied last (for example {@code yarn.nodemanager.resource.memory-mb})
     */
    public static EmbeddedCluster start(String name, Path baseDir, int nodeManagers, Configuration overrides)
            throws IOException {
        requireNonNull(baseDir, "baseDir is null");
        Configuration conf = new YarnConfiguration();
        conf.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "100");
        conf.setLong("yarn.nodemanager.process-kill-wait.ms", 100);
        conf.setLong("yarn.nodemanager.sleep-delay-before-sigkill.ms", 100);
        conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 256);
        conf.set("yarn.scheduler.capacity.root.queues", "default");
        conf.set("yarn.scheduler.capacity.root.default.capacity", "100");
        conf.set("yarn.scheduler.capacity.root.default.maximum-capacity", "100");
        conf.set("yarn.scheduler.capacity.maximum-am-resource-percent", "0.5");
        conf.setBoolean("yarn.minicluster.control-resource-monitoring", true);
        conf.setBoolean("yarn.nodemanager.resource.memory.enforced", false);
        conf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, true);
        conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
        conf.setLong(YarnConfiguration.NM_CONTAINER_MON_INTERVAL_MS, 500);
        if (overrides != null) {
            overrides.forEach(e -> conf.set(e.getKey(), e.getValue()));
        }
        Files.createDirectories(baseDir);
        MiniDFSCluster dfs = new MiniDFSCluster.Builder(conf, baseDir.resolve("dfs").toFile()).numDataNodes(1)
                .build();
        try {
            dfs.waitActive();
            conf.set(FileSystem.FS_DEFAULT_NAME_KEY, dfs.getURI().toString());
            MiniYARNCluster yarn = new MiniYARNCluster(name, 1, nodeManagers, 1, 1);
            yarn.init(conf);
            yarn.start();
            LOG.info("Embedded cluster up: HDFS at {}, ResourceManager at {}", dfs.getURI(),
                    yarn.getConfig().get(YarnConfiguration.RM_ADDRESS));
            return new EmbeddedCluster(dfs, yarn, nodeManagers);
        } catch (IOException | RuntimeException e) {
            dfs.shutdown();
            throw e;
        }
    }

    /** The configuration clients use: HDFS as the default file system, the ResourceManager's real addresses. */
    public Configuration clientConf() {
        Configuration conf = new YarnConfiguration(yarn.getConfig());
        // MiniDFSCluster's topology mapping lives in a tests jar that clients and containers do not have.
        conf.unset("net.topology.node.switch.mapping.impl");
        return conf;
    }

    public FileSystem fileSystem() throws IOException {
        return dfs.getFileSystem();
    }

    public MiniYARNCluster yarn() {
        return yarn;
    }

    /** Writes {@code core-site.xml}, {@code hdfs-site.xml} and {@code yarn-site.xml} into {@code dir}. */
    public void writeConfDir(Path dir) throws IOException {
        Files.createDirectories(dir);
        Configuration conf = clientConf();
        for (String name : new String[] {"core-site.xml", "yarn-site.xml"}) {
            try (OutputStream out = Files.newOutputStream(dir.resolve(name))) {
                conf.writeXml(out);
            }
        }
        Files.writeString(dir.resolve("hdfs-site.xml"), "<?xml version=\"1.0\"?>\n<configuration/>\n");
    }

    /** Stops YARN (its NodeManagers in parallel, which halves the wait) and HDFS. */
    @Override
    public void close() {
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (int i = 0; i < nodeManagers; i++) {
            NodeManager nm = yarn.getNodeManager(i);
            stops.add(CompletableFuture.runAsync(nm::stop));
        }
        stops.forEach(CompletableFuture::join);
        yarn.stop();
        dfs.shutdown();
        LOG.info("Embedded cluster stopped");
    }

    /**
     * {@code EmbeddedCluster CONF_DIR [BASE_DIR]}: starts the clusters, writes their configuration into CONF_DIR,
     * prints a ready line, and runs until the process is told to stop (SIGTERM), when it stops them cleanly.
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: EmbeddedCluster CONF_DIR [BASE_DIR]");
            System.exit(2);
        }
        Path confDir = Path.of(args[0]).toAbsolutePath();
        Path baseDir = Path.of(args.length > 1 ? args[1] : "target/spindle-minicluster").toAbsolutePath();
        EmbeddedCluster cluster;
        try {
            cluster = start("spindle-minicluster", baseDir, 2, null);
        } catch (IOException | RuntimeException | LinkageError e) {
            // HDFS and YARN leave non-daemon threads behind: exit, or the failed JVM would linger.
            LOG.fatal("The embedded cluster did not start", e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "spindle-minicluster-stop"));
        try {
            cluster.writeConfDir(confDir);
        } catch (IOException e) {
            LOG.fatal("Cannot write the cluster's configuration into {}", confDir, e);
            System.exit(1);
        }
        System.out.println("spindle-minicluster: ready, HADOOP_CONF_DIR=" + confDir);
        System.out.flush();
        new java.util.concurrent.CountDownLatch(1).await();
    }
}
