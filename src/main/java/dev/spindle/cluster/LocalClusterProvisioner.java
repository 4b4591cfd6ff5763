package dev.spindle.cluster;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ExecutorId;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * {@code local-cluster[E,C,MB]}: E executor JVMs on this machine, C task threads and MB MiB of heap each, launched
 * with the same {@link ExecutorCommand} as YARN containers. Each executor's stdout and stderr go to files in its own
 * directory (as a container's logs do). An executor that ends unexpectedly is replaced, up to a limit of failures.
 * With dynamic allocation it starts fewer and follows {@link #requestTotal} up to E, and a released executor's JVM
 * ends without being replaced.
 * A shutdown hook destroys the executors if the driver JVM exits without closing the backend; and each executor also
 * exits by itself when its driver connection drops.
 */
public final class LocalClusterProvisioner implements ExecutorProvisioner {
    private static final Logger LOG = LogManager.getLogger(LocalClusterProvisioner.class);
    private static final int STDERR_TAIL_LINES = 20;

    /** One executor process. */
    private record Launched(ExecutorId id, Process process, Path dir) {
    }

    private final int executors;
    private final int initial;
    private final int cores;
    private final Path root;
    private final Function<Launch, ExecutorCommand> commands;
    private final int maxFailures;
    private final Map<ExecutorId, Launched> running = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final AtomicInteger failures = new AtomicInteger();
    private final java.util.Set<ExecutorId> released = ConcurrentHashMap.newKeySet();
    /** Executors to keep running or starting; guarded by this. */
    private int target;
    private final Thread shutdownHook = new Thread(this::destroyAll, "spindle-local-cluster-shutdown");
    private volatile boolean closing;
    private volatile DriverEndpoint endpoint;
    private volatile Callbacks callbacks;

    /** What a command is built from: the driver endpoint, the executor's id and its directory. */
    public record Launch(DriverEndpoint driver, String executorId, Path dir) {
    }

    /**
     * @param root the directory under which each executor gets its own (logs, local files)
     * @param commands builds the command of one executor
     */
    public LocalClusterProvisioner(int executors, int cores, Path root, Function<Launch, ExecutorCommand> commands) {
        this(executors, executors, cores, root, commands);
    }

    /**
     * @param initial how many to start with (dynamic allocation; at most {@code executors}, which bounds
     *     {@link #requestTotal})
     */
    public LocalClusterProvisioner(int executors, int initial, int cores, Path root,
            Function<Launch, ExecutorCommand> commands) {
        this.executors = executors;
        this.initial = Math.min(initial, executors);
        this.cores = cores;
        this.root = requireNonNull(root, "root is null");
        this.commands = requireNonNull(commands, "commands is null");
        this.maxFailures = Math.max(3, 2 * executors);
    }

    @Override
    public void start(DriverEndpoint endpoint, Callbacks callbacks) {
        this.endpoint = requireNonNull(endpoint, "endpoint is null");
        this.callbacks = requireNonNull(callbacks, "callbacks is null");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        requestTotal(initial);
    }

    @Override
    public synchronized boolean requestTotal(int total) {
        target = Math.min(total, executors);
        int starting = target - (running.size() - released.size());
        for (int i = 0; i < starting && !closing; i++) {
            launch();
        }
        return true;
    }

    @Override
    public void release(ExecutorId id, String reason) {
        Launched launched = running.get(id);
        if (launched == null || !released.add(id)) {
            return;
        }
        LOG.info("Executor {} (pid {}) released: {}", id.id(), launched.process().pid(), reason);
        // It was told to stop and exits by itself; one that does not within 10 s is ended.
        launched.process().onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(timeout -> {
            LOG.warn("Released executor {} did not exit within 10 s; killing it", id.id());
            launched.process().destroyForcibly();
            return null;
        });
    }

    private void launch() {
        ExecutorId id = new ExecutorId(Integer.toString(nextId.getAndIncrement()));
        Path dir = root.resolve("executor-" + id.id());
        try {
            Files.createDirectories(dir);
            ExecutorCommand command = commands.apply(new Launch(endpoint, id.id(), dir));
            ProcessBuilder builder = new ProcessBuilder(command.commandLine())
                    .directory(dir.toFile())
                    .redirectOutput(dir.resolve("stdout").toFile())
                    .redirectError(dir.resolve("stderr").toFile());
            builder.environment().putAll(command.environment());
            Process process = builder.start();
            Launched launched = new Launched(id, process, dir);
            running.put(id, launched);
            LOG.info("Started executor {} (pid {}), logs in {}", id.id(), process.pid(), dir);
            process.onExit().thenAccept(p -> exited(launched));
        } catch (IOException | RuntimeException e) {
            LOG.error("Cannot start executor {}: {}", id.id(), e.toString());
            failed("cannot start executor " + id.id() + ": " + e);
        }
    }

    private void exited(Launched launched) {
        if (running.remove(launched.id()) == null || closing) {
            return;
        }
        if (released.remove(launched.id())) {
            LOG.info("Released executor {} exited with code {}", launched.id().id(), launched.process().exitValue());
            return;
        }
        int code = launched.process().exitValue();
        String reason = "executor process " + launched.process().pid() + " exited with code " + code
                + (code > 128 ? " (signal " + (code - 128) + ")" : "") + stderrTail(launched.dir());
        LOG.warn("Executor {}: {}", launched.id().id(), reason);
        callbacks.executorExited(launched.id(), reason);
        failed(reason);
    }

    /** Counts a failure: starts a replacement while fewer than the target run, or gives up past the limit. */
    private synchronized void failed(String lastReason) {
        if (closing) {
            return;
        }
        int failed = failures.incrementAndGet();
        if (failed < maxFailures) {
            if (running.size() - released.size() < target) {
                launch();
            }
        } else {
            callbacks.gaveUp(failed + " executor processes failed, the limit for local-cluster[" + executors + ","
                    + cores + ",...] is " + maxFailures + "; the last: " + lastReason);
        }
    }

    private static String stderrTail(Path dir) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("stderr"), StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                return "";
            }
            List<String> tail = lines.subList(Math.max(0, lines.size() - STDERR_TAIL_LINES), lines.size());
            return "; last lines of " + dir.resolve("stderr") + ":" + System.lineSeparator()
                    + String.join(System.lineSeparator(), tail);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public int expectedCores() {
        return executors * cores;
    }

    @Override
    public boolean launched(ExecutorId id, String containerId) {
        return running.containsKey(id);
    }

    @Override
    public void kill(ExecutorId id) {
        Launched launched = running.get(id);
        if (launched != null) {
            LOG.warn("Killing executor {} (pid {})", id.id(), launched.process().pid());
            launched.process().destroyForcibly();
        }
    }

    /** Process ids of the running executors, for tests that kill one. */
    public Map<ExecutorId, Long> pids() {
        Map<ExecutorId, Long> pids = new java.util.TreeMap<>(java.util.Comparator.comparing(ExecutorId::id));
        running.forEach((id, launched) -> pids.put(id, launched.process().pid()));
        return pids;
    }

    @Override
    public void close() {
        closing = true;
        List<Launched> all = new ArrayList<>(running.values());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Launched launched : all) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!launched.process().waitFor(left, TimeUnit.NANOSECONDS)) {
                    LOG.warn("Executor {} did not exit within 10 s of being stopped; killing it", launched.id().id());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        destroyAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down and runs the hook itself.
        }
    }

    private void destroyAll() {
        for (Launched launched : running.values()) {
            launched.process().destroyForcibly();
            try {
                launched.process().waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        running.clear();
    }

    /**
     * The class path of this JVM plus the application's jars: what local-cluster executors run with. Relative entries
     * are made absolute: the executors run in directories of their own.
     */
    public static String classPath(ClassLoader applicationLoader) {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            entries.add(Path.of(entry).toAbsolutePath().normalize().toString());
        }
        for (ClassLoader loader = applicationLoader; loader != null; loader = loader.getParent()) {
            if (loader instanceof java.net.URLClassLoader urls) {
                for (java.net.URL url : urls.getURLs()) {
                    if ("file".equals(url.getProtocol())) {
                        try {
                            String path = Path.of(url.toURI()).toString();
                            if (!entries.contains(path)) {
                                entries.add(path);
                            }
                        } catch (java.net.URISyntaxException e) {
                            LOG.warn("Ignoring class path entry {}: {}", url, e.getMessage());
                        }
                    }
                }
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
