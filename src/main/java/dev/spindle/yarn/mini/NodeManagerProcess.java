package dev.spindle.yarn.mini;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.nodemanager.NodeManager;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One NodeManager of the {@link EmbeddedCluster}, in a JVM of its own as on a real node. In the cluster's JVM the
 * web UIs of the ResourceManager and the NodeManagers would share Guice's static filter pipeline (Hadoop registers
 * its {@code GuiceFilter} by class name, so the injector created last serves every server's pages): the
 * ResourceManager's HTML pages answered 404 and every NodeManager's pages showed the last one's containers.
 *
 * <p>The parent writes the NodeManager's whole configuration to a file, starts this class's {@link #main} with it,
 * and keeps the child's standard input open. Told to stop (SIGTERM), the child stops its NodeManager, which kills its
 * containers and unregisters. When that input ends the parent, and the ResourceManager with it, has died (even by
 * SIGKILL): a graceful stop would spend minutes trying to unregister, so the child kills its containers' processes
 * and halts. Either way no NodeManager or container is left behind.
 */
final class NodeManagerProcess {
    private static final Logger LOG = LogManager.getLogger(NodeManagerProcess.class);
    private static final int LOG_TAIL_LINES = 30;

    private final int index;
    private final Process process;
    private final Path log;

    private NodeManagerProcess(int index, Process process, Path log) {
        this.index = index;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts NodeManager {@code index} with {@code conf} (complete: the ResourceManager's addresses, the node's
     * directories and ports), its configuration file and its log in {@code dir}.
     */
    static NodeManagerProcess launch(int index, Configuration conf, Path dir) throws IOException {
        return launch(index, conf, dir, System.getProperty("java.class.path"));
    }

    /** As {@link #launch(int, Configuration, Path)}, the NodeManager's classes from {@code classPath}. */
    static NodeManagerProcess launch(int index, Configuration conf, Path dir, String classPath) throws IOException {
        requireNonNull(conf, "conf is null");
        Files.createDirectories(dir);
        Path confFile = dir.resolve("nm-" + index + "-site.xml");
        try (OutputStream out = Files.newOutputStream(confFile)) {
            conf.writeXml(out);
        }
        Path log = dir.resolve("nm-" + index + ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx512m", "-XX:+UseSerialGC"));
        String logConfig = System.getProperty("log4j2.configurationFile");
        java.net.URL testConfig = NodeManagerProcess.class.getClassLoader().getResource("log4j2-test.properties");
        if (logConfig == null && testConfig != null && testConfig.getProtocol().equals("file")) {
            // Under the test runners, whose class path the NodeManager may not share (it runs the shuffle service
            // from its jar alone): the tests' logging, which keeps Spindle's lines and Hadoop's warnings.
            logConfig = testConfig.getPath();
        }
        if (logConfig != null) {
            command.add("-Dlog4j2.configurationFile=" + logConfig);
        }
        command.addAll(List.of("-cp", classPath, NodeManagerProcess.class.getName(),
                confFile.toString()));
        Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        LOG.info("Started NodeManager {} (pid {}), its log in {}", index, process.pid(), log);
        return new NodeManagerProcess(index, process, log);
    }

    /**
     * A class path for NodeManagers that run Spindle's shuffle service from {@code serviceJar} alone, as on a real
     * node: this JVM's class path (the test class path under Maven's test runners) without Spindle's own classes,
     * plus the jar, plus this class (copied under {@code dir}), which starts the NodeManager.
     */
    static String classPathWithServiceJar(Path serviceJar, Path dir) throws IOException {
        String full = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path launcher = dir.resolve("nodemanager-launcher");
        String name = NodeManagerProcess.class.getName().replace('.', '/') + ".class";
        Path target = launcher.resolve(name);
        Files.createDirectories(target.getParent());
        try (InputStream in = NodeManagerProcess.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("cannot read " + name + " from this JVM's class path");
            }
            Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> entries = new ArrayList<>(List.of(launcher.toString()));
        for (String entry : full.split(java.io.File.pathSeparator)) {
            Path path = Path.of(entry);
            boolean spindles = Files.isDirectory(path) ? Files.isDirectory(path.resolve("dev/spindle"))
                    : path.getFileName().toString().startsWith("spindle-");
            if (!entry.isBlank() && !spindles) {
                entries.add(entry);
            }
        }
        entries.add(serviceJar.toAbsolutePath().toString());
        return String.join(java.io.File.pathSeparator, entries);
    }

    int index() {
        return index;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Ends the child's standard input, as the parent's death would. */
    void closeInput() throws IOException {
        process.getOutputStream().close();
    }

    /** The exit code, once the process has ended within {@code timeoutSeconds}. */
    int awaitExit(long timeoutSeconds) throws InterruptedException, TimeoutException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            throw new TimeoutException(exitDescription());
        }
        return process.exitValue();
    }

    Path log() {
        return log;
    }

    /** Why the process is not running, with the end of its log. */
    String exitDescription() {
        String state = process.isAlive() ? "is still running" : "exited with code " + process.exitValue();
        return "NodeManager " + index + " (pid " + process.pid() + ") " + state + "; the end of " + log + ":"
                + System.lineSeparator() + logTail();
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(System.lineSeparator(),
                    lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /**
     * Stops the NodeManager as its operator would (SIGTERM: it kills its containers and unregisters) and waits for
     * the JVM to end; kills it if it has not ended after {@code timeoutSeconds}.
     */
    void stop(long timeoutSeconds) {
        process.destroy();
        try {
            process.onExit().get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            LOG.warn("NodeManager {} did not stop within {} s; killing it", index, timeoutSeconds);
            process.destroyForcibly();
        } catch (ExecutionException e) {
            LOG.warn("Waiting for NodeManager {} to stop failed", index, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** {@code NodeManagerProcess CONF_FILE}: runs one NodeManager until SIGTERM or the end of standard input. */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: NodeManagerProcess CONF_FILE");
            System.exit(2);
        }
        Configuration conf = new YarnConfiguration();
        conf.addResource(new org.apache.hadoop.fs.Path(new File(args[0]).toURI()));
        Thread watch = new Thread(() -> {
            waitForEnd(System.in);
            LOG.warn("The embedded cluster's process has gone; killing this NodeManager's containers and ending");
            ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
            Runtime.getRuntime().halt(0);
        }, "parent-watch");
        watch.setDaemon(true);
        watch.start();
        NodeManager nodeManager = new NodeManager();
        Runtime.getRuntime().addShutdownHook(new Thread(nodeManager::stop, "nodemanager-stop"));
        try {
            nodeManager.init(conf);
            nodeManager.start();
        } catch (RuntimeException e) {
            LOG.fatal("The NodeManager did not start", e);
            System.exit(1);
        }
    }

    private static void waitForEnd(InputStream in) {
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // The parent writes nothing: only the end counts.
            }
        } catch (IOException e) {
            // A broken pipe is an end as well.
        }
    }
}
