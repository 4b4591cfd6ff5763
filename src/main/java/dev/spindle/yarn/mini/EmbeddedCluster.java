package dev.spindle.yarn.mini;

import static java.util.Objects.requireNonNull;

import dev.spindle.yarn.YarnConfs;
import dev.spindle.yarn.shuffle.ShuffleService;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.net.NetUtils;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.api.records.NodeState;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.hadoop.yarn.server.resourcemanager.ResourceManager;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * HDFS (MiniDFSCluster, one DataNode) and YARN (a MiniYARNCluster ResourceManager in this JVM, and N NodeManagers,
 * each in a JVM of its own: see {@link NodeManagerProcess}), configured as measured on these machines (see
 * shared/NOTES-hadoop.md): the capacity scheduler with one queue, 256 MB allocation steps, physical-memory
 * enforcement on and the virtual-memory check off, fast container kills. The ResourceManager's web UI, and the web
 * proxy inside it that serves {@code /proxy/<appId>/}, listen on a real port: MiniYARNCluster would give it port 0,
 * which the ResourceManager then puts into every tracking URL, so a free port is chosen before it starts
 * ({@code yarn.resourcemanager.webapp.address} with port 0 in the overrides, or unset, means "choose one").
 * The NodeManagers' directories are MiniYARNCluster's ({@code <name>-localDir-nm-<i>_0}, {@code -logDir-nm-}) under
 * its work directory, and each offers {@code yarn.nodemanager.resource.memory-mb} from the overrides, else
 * {@code yarn.minicluster.yarn.nodemanager.resource.memory-mb} (4096), and runs Spindle's shuffle service.
 * Used by the YARN integration tests and by {@code bin/spindle-minicluster}, which writes a {@code HADOOP_CONF_DIR}.
 */
public final class EmbeddedCluster implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(EmbeddedCluster.class);

    /**
     * Override naming the shuffle service jar ({@code mvn package} builds it) for the NodeManagers to run it from,
     * without Spindle's other classes, as a real node does; unset: they run it from this JVM's class path.
     */
    public static final String SHUFFLE_SERVICE_JAR_KEY = "spindle.minicluster.shuffleServiceJar";
    private static final long NODE_MANAGER_START_SECONDS = 120;
    private static final long NODE_MANAGER_STOP_SECONDS = 30;

    private final MiniDFSCluster dfs;
    private final MiniYARNCluster yarn;
    private final List<NodeManagerProcess> nodeManagers;

    private EmbeddedCluster(MiniDFSCluster dfs, MiniYARNCluster yarn, List<NodeManagerProcess> nodeManagers) {
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
        fixResourceManagerAddresses(conf, overrides == null ? null
                : overrides.get(YarnConfiguration.RM_WEBAPP_ADDRESS));
        Files.createDirectories(baseDir);
        MiniDFSCluster dfs = new MiniDFSCluster.Builder(conf, baseDir.resolve("dfs").toFile()).numDataNodes(1)
                .build();
        try {
            dfs.waitActive();
            conf.set(FileSystem.FS_DEFAULT_NAME_KEY, dfs.getURI().toString());
            MiniYARNCluster yarn = new MiniYARNCluster(name, 1, 0, 1, 1);
            yarn.init(conf);
            yarn.start();
            List<NodeManagerProcess> started = new ArrayList<>();
            try {
                int memoryMb = overrides != null && overrides.get(YarnConfiguration.NM_PMEM_MB) != null
                        ? overrides.getInt(YarnConfiguration.NM_PMEM_MB, 0)
                        : conf.getInt(YarnConfiguration.YARN_MINICLUSTER_NM_PMEM_MB,
                                YarnConfiguration.DEFAULT_YARN_MINICLUSTER_NM_PMEM_MB);
                Path workDir = yarn.getTestWorkDir().toPath();
                String serviceJar = conf.get(SHUFFLE_SERVICE_JAR_KEY);
                String classPath = serviceJar == null ? System.getProperty("java.class.path")
                        : NodeManagerProcess.classPathWithServiceJar(Path.of(serviceJar), workDir);
                for (int i = 0; i < nodeManagers; i++) {
                    started.add(NodeManagerProcess.launch(i, nodeManagerConf(yarn, i, memoryMb), workDir, classPath));
                }
                awaitRegistered(yarn, started);
            } catch (IOException | RuntimeException e) {
                started.forEach(nm -> nm.stop(NODE_MANAGER_STOP_SECONDS));
                yarn.stop();
                throw e;
            }
            LOG.info("Embedded cluster up: HDFS at {}, ResourceManager at {}, its web UI at http://{}, {} NodeManagers",
                    dfs.getURI(), yarn.getConfig().get(YarnConfiguration.RM_ADDRESS),
                    yarn.getConfig().get(YarnConfiguration.RM_WEBAPP_ADDRESS), nodeManagers);
            return new EmbeddedCluster(dfs, yarn, started);
        } catch (IOException | RuntimeException e) {
            dfs.shutdown();
            throw e;
        }
    }

    /** The cluster's configuration (with the ResourceManager's real addresses) plus NodeManager {@code i}'s own. */
    private static Configuration nodeManagerConf(MiniYARNCluster yarn, int i, int memoryMb) throws IOException {
        Configuration conf = new YarnConfiguration(yarn.getConfig());
        conf.unset("net.topology.node.switch.mapping.impl");
        String prefix = yarn.getName() + "-";
        conf.set(YarnConfiguration.NM_LOCAL_DIRS, nodeDir(yarn, prefix + "localDir-nm-" + i + "_0"));
        conf.set(YarnConfiguration.NM_LOG_DIRS, nodeDir(yarn, prefix + "logDir-nm-" + i + "_0"));
        conf.set(YarnConfiguration.NM_REMOTE_APP_LOG_DIR, nodeDir(yarn, prefix + "remoteLogDir-nm-" + i));
        conf.setInt(YarnConfiguration.NM_PMEM_MB, memoryMb);
        // The ResourceManager lives in this JVM: when it cannot be reached the cluster is gone, and a NodeManager
        // that outlived this process (SIGKILL) must not spend the default 15 minutes trying to unregister before it
        // kills its containers and ends.
        conf.setLong(YarnConfiguration.NM_RESOURCEMANAGER_CONNECT_MAX_WAIT_MS, 30_000);
        conf.setLong(YarnConfiguration.NM_RESOURCEMANAGER_CONNECT_RETRY_INTERVAL_MS, 1_000);
        // Spindle's shuffle service, on a port of its own per NodeManager (YARN tells each container its node's).
        conf.set(YarnConfiguration.NM_AUX_SERVICES, ShuffleService.NAME);
        conf.set(String.format(YarnConfiguration.NM_AUX_SERVICE_FMT, ShuffleService.NAME),
                ShuffleService.class.getName());
        conf.setInt(ShuffleService.PORT_KEY, 0);
        String host = MiniYARNCluster.getHostname();
        for (String key : List.of(YarnConfiguration.NM_ADDRESS, YarnConfiguration.NM_LOCALIZER_ADDRESS,
                YarnConfiguration.NM_WEBAPP_ADDRESS, YarnConfiguration.NM_COLLECTOR_SERVICE_ADDRESS)) {
            conf.set(key, host + ":0");
        }
        return conf;
    }

    private static String nodeDir(MiniYARNCluster yarn, String name) throws IOException {
        Path dir = yarn.getTestWorkDir().toPath().resolve(name).toAbsolutePath();
        Files.createDirectories(dir);
        return dir.toString();
    }

    /** Waits until every NodeManager runs and the ResourceManager counts it; fails fast when one exits. */
    private static void awaitRegistered(MiniYARNCluster yarn, List<NodeManagerProcess> nodeManagers)
            throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(NODE_MANAGER_START_SECONDS);
        while (runningNodes(yarn) < nodeManagers.size()) {
            for (NodeManagerProcess nm : nodeManagers) {
                if (!nm.isAlive()) {
                    throw new IOException("A NodeManager of the embedded cluster did not start: "
                            + nm.exitDescription());
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(runningNodes(yarn) + " of " + nodeManagers.size() + " NodeManagers registered "
                        + "with the ResourceManager within " + NODE_MANAGER_START_SECONDS + " s; "
                        + nodeManagers.get(nodeManagers.size() - 1).exitDescription());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the NodeManagers to register", e);
            }
        }
    }

    private static long runningNodes(MiniYARNCluster yarn) {
        return yarn.getResourceManager().getRMContext().getRMNodes().values().stream()
                .filter(node -> node.getState() == NodeState.RUNNING).count();
    }

    /**
     * Gives the ResourceManager's web UI a real port, which MiniYARNCluster cannot: left to itself it binds the web UI
     * to port 0 after the ResourceManager has computed its proxy address, and every tracking URL says port 0. With
     * {@code yarn.minicluster.fixed.ports} MiniYARNCluster leaves the addresses alone, so its other RPC addresses are
     * set here to port 0 as it would set them (the servers write their real ports back), and the web address to a
     * port free now on its host, unless {@code webAddress} (from the overrides) names a port.
     */
    private static void fixResourceManagerAddresses(Configuration conf, String webAddress) throws IOException {
        String host = MiniYARNCluster.getHostname();
        conf.setBoolean(YarnConfiguration.YARN_MINICLUSTER_FIXED_PORTS, true);
        for (String key : List.of(YarnConfiguration.RM_ADDRESS, YarnConfiguration.RM_ADMIN_ADDRESS,
                YarnConfiguration.RM_SCHEDULER_ADDRESS, YarnConfiguration.RM_RESOURCE_TRACKER_ADDRESS)) {
            conf.set(key, host + ":0");
        }
        InetSocketAddress web = NetUtils.createSocketAddr(webAddress == null ? host + ":0" : webAddress, 0,
                YarnConfiguration.RM_WEBAPP_ADDRESS);
        String webHost = web.getHostString().equals("0.0.0.0") ? host : web.getHostString();
        int port = web.getPort() != 0 ? web.getPort() : freePort(webHost);
        conf.set(YarnConfiguration.RM_WEBAPP_ADDRESS, webHost + ":" + port);
    }

    private static int freePort(String host) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        }
    }

    /** The address of the ResourceManager's web UI and of its web proxy: {@code http://host:port}. */
    public String resourceManagerWebUrl() {
        return "http://" + yarn.getConfig().get(YarnConfiguration.RM_WEBAPP_ADDRESS);
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

    /** The ResourceManager (in this JVM). */
    public ResourceManager resourceManager() {
        return yarn.getResourceManager();
    }

    /**
     * Stops NodeManager {@code index} as an operator would: it kills its containers and unregisters, and its JVM
     * ends. The directories it used stay.
     */
    public void stopNodeManager(int index) {
        nodeManagers.get(index).stop(NODE_MANAGER_STOP_SECONDS);
    }

    /** Writes {@code core-site.xml}, {@code hdfs-site.xml} and {@code yarn-site.xml} into {@code dir}. */
    public void writeConfDir(Path dir) throws IOException {
        Files.createDirectories(dir);
        // The cluster's own settings only: every client JVM parses these files, and a default repeated here would
        // count as the cluster's choice (Spindle's shorter HDFS close waits, for one, give way to it).
        byte[] settings = YarnConfs.settingsXml(clientConf());
        for (String name : new String[] {"core-site.xml", "yarn-site.xml"}) {
            Files.write(dir.resolve(name), settings);
        }
        Files.writeString(dir.resolve("hdfs-site.xml"), "<?xml version=\"1.0\"?>\n<configuration/>\n");
    }

    /** Stops YARN (its NodeManagers in parallel, which halves the wait) and HDFS. */
    @Override
    public void close() {
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (NodeManagerProcess nm : nodeManagers) {
            stops.add(CompletableFuture.runAsync(() -> nm.stop(NODE_MANAGER_STOP_SECONDS)));
        }
        stops.forEach(CompletableFuture::join);
        yarn.stop();
        dfs.shutdown();
        LOG.info("Embedded cluster stopped");
    }

    /**
     * Overrides that run the NodeManagers' shuffle service from the jar {@code mvn package} built next to the jar
     * this class came from (a built checkout); null when there is none.
     */
    private static Configuration shuffleServiceJarNextToThisOne() {
        try {
            Path own = Path.of(EmbeddedCluster.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            String name = own.getFileName().toString();
            if (!name.endsWith(".jar")) {
                return null;
            }
            Path jar = own.resolveSibling(name.substring(0, name.length() - 4) + "-shuffle-service.jar");
            if (!Files.isRegularFile(jar)) {
                return null;
            }
            Configuration overrides = new Configuration(false);
            overrides.set(SHUFFLE_SERVICE_JAR_KEY, jar.toString());
            return overrides;
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return null;
        }
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
            cluster = start("spindle-minicluster", baseDir, 2, shuffleServiceJarNextToThisOne());
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
        System.out.println("spindle-minicluster: ready, HADOOP_CONF_DIR=" + confDir + ", ResourceManager web "
                + cluster.resourceManagerWebUrl() + " (applications' tracking URLs go through its proxy)");
        System.out.flush();
        new java.util.concurrent.CountDownLatch(1).await();
    }
}
