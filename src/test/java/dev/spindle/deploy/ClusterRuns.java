package dev.spindle.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.recovery.EventLogReader;
import dev.spindle.scheduler.spi.SchedulerEvent;
import dev.spindle.yarn.mini.EmbeddedCluster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.awaitility.Awaitility;

/**
 * Submitting applications to an embedded cluster and reading back what they did: their output, their event logs,
 * and the JVMs of their containers, for fault tests that must prove the fault hit the work.
 */
final class ClusterRuns {
    static final Path HOME = Path.of("").toAbsolutePath();
    private static final Pattern NODE_MANAGER_DIR = Pattern.compile("-localDir-nm-(\\d+)_");

    /** What a submission printed and how it ended. */
    record Run(int exitCode, String stderr) {
        String applicationId() {
            return stderr.replaceFirst("(?s).*submitted application (application_\\d+_\\d+).*", "$1");
        }
    }

    /** A JVM of a container: its process, container id and the index of the NodeManager that runs it. */
    record ContainerJvm(ProcessHandle process, String containerId, int nodeManager) {
        boolean isApplicationMaster() {
            return containerId.endsWith("_000001");
        }
    }

    private final FileSystem fs;
    private final Path confDir;

    ClusterRuns(FileSystem fs, Path confDir) {
        this.fs = fs;
        this.confDir = confDir;
    }

    /** Runs on {@code cluster}, whose client configuration is written into {@code work/conf} for them. */
    static ClusterRuns on(EmbeddedCluster cluster, Path work) throws IOException {
        Path confDir = work.resolve("conf");
        cluster.writeConfDir(confDir);
        return new ClusterRuns(cluster.fileSystem(), confDir);
    }

    /** A started client of the cluster's ResourceManager; the caller stops it. */
    static YarnClient yarnClient(EmbeddedCluster cluster) {
        YarnClient yarn = YarnClient.createYarnClient();
        yarn.init(cluster.clientConf());
        yarn.start();
        return yarn;
    }

    String hdfs(String path) {
        return fs.makeQualified(new org.apache.hadoop.fs.Path(path)).toString();
    }

    /** Runs spindle-submit's client in this JVM against the cluster; {@code args} follow the common options. */
    Run submit(String... args) {
        return submit(new ByteArrayOutputStream(), args);
    }

    /** {@link #submit(String...)}, its standard error written into {@code err} as it goes (readable meanwhile). */
    Run submit(ByteArrayOutputStream err, String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("HADOOP_CONF_DIR", confDir.toString());
        env.put("SPINDLE_HOME", HOME.toString());
        List<String> all = new ArrayList<>(List.of("--master", "yarn", "--driver-memory", "512m",
                "--executor-memory", "512m", "--conf", "spindle.yarn.report.interval=200ms"));
        all.addAll(List.of(args));
        int code;
        try (PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = new Submitter(System.out, errStream, env).run(all.toArray(new String[0]));
        }
        String stderr = err.toString(StandardCharsets.UTF_8);
        System.err.println(stderr);
        return new Run(code, stderr);
    }

    /** The files of HDFS directory {@code dir}: name to bytes; empty when it does not exist. */
    Map<String, byte[]> files(String dir) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(dir);
        if (!fs.exists(path)) {
            return files;
        }
        for (FileStatus status : fs.listStatus(path)) {
            if (status.isDirectory()) {
                files.put(status.getPath().getName() + "/", new byte[0]);
                continue;
            }
            try (InputStream in = fs.open(status.getPath())) {
                files.put(status.getPath().getName(), in.readAllBytes());
            }
        }
        return files;
    }

    /** The events of the application's first attempt, from its event log. */
    List<SchedulerEvent> events(String applicationId) throws IOException {
        org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(fs.getHomeDirectory(), ".spindle/events");
        List<org.apache.hadoop.fs.Path> files = EventLogReader.attemptFiles(fs, dir, applicationId);
        assertThat(files).as("event logs of " + applicationId).isNotEmpty();
        return EventLogReader.read(fs, files.get(0)).events();
    }

    /** Tasks started in {@code events} that match {@code which}. */
    static long tasksStarted(List<SchedulerEvent> events, Predicate<SchedulerEvent.TaskStarted> which) {
        return events.stream().filter(e -> e instanceof SchedulerEvent.TaskStarted t && which.test(t)).count();
    }

    /** The ids of the stages in {@code events}, in the order they were first submitted. */
    static int[] stagesInSubmissionOrder(List<SchedulerEvent> events) {
        return events.stream().filter(e -> e instanceof SchedulerEvent.StageSubmitted)
                .mapToInt(e -> ((SchedulerEvent.StageSubmitted) e).stageId()).distinct().toArray();
    }

    /** Task attempts that ended in failure in {@code events}. */
    static List<SchedulerEvent.TaskEnded> failedTasks(List<SchedulerEvent> events) {
        return events.stream().filter(e -> e instanceof SchedulerEvent.TaskEnded t && t.failure() != null)
                .map(e -> (SchedulerEvent.TaskEnded) e).toList();
    }

    static List<SchedulerEvent.ExecutorRemoved> executorsRemoved(List<SchedulerEvent> events) {
        return events.stream().filter(e -> e instanceof SchedulerEvent.ExecutorRemoved)
                .map(e -> (SchedulerEvent.ExecutorRemoved) e).toList();
    }

    /** The container JVMs of {@code applicationId} running now: java processes whose working directory is a container's. */
    static List<ContainerJvm> containerJvms(String applicationId) {
        String key = applicationId.substring("application_".length()) + "_";
        return allContainerJvms().stream().filter(j -> j.containerId().contains(key)).toList();
    }

    /**
     * Waits until {@code count} executor JVMs of {@code applicationId} run on mini cluster {@code cluster} and each
     * has registered with the driver (its log says so), and returns them: a fault test that kills an executor before
     * it registers hits no work, and the driver records no loss. Fails at once when {@code run} ends first, and
     * when more than {@code count} have registered.
     */
    static List<ContainerJvm> registeredExecutorJvms(String cluster, String applicationId, int count,
            CompletableFuture<?> run) {
        List<ContainerJvm> registered = Awaitility.await(count + " registered executors of " + applicationId).atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    if (run.isDone()) {
                        throw new AssertionError("the application ended before " + count + " executors registered");
                    }
                    List<ContainerJvm> jvms = new ArrayList<>();
                    for (ContainerJvm jvm : containerJvms(applicationId)) {
                        if (!jvm.isApplicationMaster() && containerLog(cluster, jvm.containerId(), "stderr")
                                .orElse("").contains("registered with the driver")) {
                            jvms.add(jvm);
                        }
                    }
                    return jvms;
                }, jvms -> jvms.size() >= count);
        assertThat(registered).as("registered executors of " + applicationId).hasSize(count);
        return registered;
    }

    /** The container JVM whose process id is {@code pid}. */
    static ContainerJvm containerJvm(long pid) {
        return allContainerJvms().stream().filter(j -> j.process().pid() == pid).findFirst()
                .orElseThrow(() -> new AssertionError("process " + pid + " is no container JVM"));
    }

    private static List<ContainerJvm> allContainerJvms() {
        List<ContainerJvm> jvms = new ArrayList<>();
        ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .forEach(p -> {
                    String cwd;
                    try {
                        cwd = Files.readSymbolicLink(Path.of("/proc", Long.toString(p.pid()), "cwd")).toString();
                    } catch (IOException | UnsupportedOperationException e) {
                        return;
                    }
                    String container = Path.of(cwd).getFileName().toString();
                    Matcher nm = NODE_MANAGER_DIR.matcher(cwd);
                    if (container.startsWith("container_") && nm.find()) {
                        jvms.add(new ContainerJvm(p, container, Integer.parseInt(nm.group(1))));
                    }
                });
        return jvms;
    }

    /**
     * The files under the test data directory of mini cluster {@code cluster} that {@code which} accepts. NodeManagers
     * delete the local directories of finished containers and applications at any moment, so a directory that
     * vanishes during the walk is skipped, not an error.
     */
    static List<Path> clusterFiles(String cluster, Predicate<Path> which) throws IOException {
        List<Path> found = new ArrayList<>();
        Files.walkFileTree(HOME.resolve("target/test/data/" + cluster), new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (which.test(file)) {
                    found.add(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return found;
    }

    /** The log file {@code name} (stderr, stdout) of container {@code containerId}, or empty before it exists. */
    static java.util.Optional<String> containerLog(String cluster, String containerId, String name)
            throws IOException {
        List<Path> logs = clusterFiles(cluster, f -> f.getFileName().toString().equals(name)
                && f.getParent().getFileName().toString().equals(containerId)
                && f.getParent().getParent().getParent().getFileName().toString().contains("-logDir-nm-"));
        return logs.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(Files.readString(logs.get(0)));
    }

    /** SIGKILL, and waits until the process is gone. */
    static void kill(ContainerJvm jvm) {
        assertThat(jvm.process().destroyForcibly()).isTrue();
        jvm.process().onExit().join();
    }
}
