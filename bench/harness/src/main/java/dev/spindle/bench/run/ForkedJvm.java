package dev.spindle.bench.run;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one benchmark JVM: stdout and stderr go, merged, to a log file, while the harness scans stdout for
 * {@link ResultLine}s as they arrive (so a start-up run can be timed from fork to its first result). A watchdog
 * kills the process tree when it runs past the timeout.
 */
public final class ForkedJvm implements AutoCloseable {
    private static final int TAIL_LINES = 15;

    /**
     * What one run did.
     *
     * @param exitCode the process's exit status (-1 when it was killed on timeout)
     * @param timedOut whether the watchdog killed it
     * @param mainSeconds what {@link Launcher} reported: the program's main method, JVM start excluded
     * @param reportedSeconds what the program measured itself
     * @param firstResultSeconds seconds from fork to the first-result line
     * @param log the file with the run's output
     * @param tail the last lines of output, for failure reports
     */
    public record Outcome(int exitCode, boolean timedOut, OptionalDouble mainSeconds, OptionalDouble reportedSeconds,
                          OptionalDouble firstResultSeconds, Path log, List<String> tail) {
        public Outcome {
            requireNonNull(log, "log is null");
            tail = List.copyOf(tail);
        }

        public boolean succeeded() {
            return exitCode == 0 && !timedOut;
        }
    }

    private final Duration timeout;
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "bench-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    public ForkedJvm(Duration timeout) {
        this.timeout = requireNonNull(timeout, "timeout is null");
    }

    /** Runs {@code command}, with {@code environment} added, until it exits or times out; output to {@code log}. */
    public Outcome run(List<String> command, Map<String, String> environment, Path log)
            throws IOException, InterruptedException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        AtomicBoolean timedOut = new AtomicBoolean();
        long start = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        ScheduledFuture<?> kill = watchdog.schedule(() -> {
            timedOut.set(true);
            destroyTree(process);
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try (BufferedWriter out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            out.write("# " + String.join(" ", command));
            out.newLine();
            Scan scan = scan(process, start, out);
            int exit = process.waitFor();
            return new Outcome(timedOut.get() ? -1 : exit, timedOut.get(), scan.mainSeconds, scan.reportedSeconds,
                    scan.firstResultSeconds, log, List.copyOf(scan.tail));
        } finally {
            kill.cancel(false);
            if (process.isAlive()) {
                destroyTree(process);
            }
        }
    }

    /** The result lines and the last lines of the process's output, read until it closes stdout. */
    private static final class Scan {
        private OptionalDouble mainSeconds = OptionalDouble.empty();
        private OptionalDouble reportedSeconds = OptionalDouble.empty();
        private OptionalDouble firstResultSeconds = OptionalDouble.empty();
        private final Deque<String> tail = new ArrayDeque<>();
    }

    private static Scan scan(Process process, long start, BufferedWriter out) throws IOException {
        Scan scan = new Scan();
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (ResultLine.FIRST_RESULT.matches(line) && scan.firstResultSeconds.isEmpty()) {
                    scan.firstResultSeconds = OptionalDouble.of((System.nanoTime() - start) / 1e9);
                }
                scan.mainSeconds = or(ResultLine.MAIN_SECONDS.value(line), scan.mainSeconds);
                scan.reportedSeconds = or(ResultLine.SECONDS.value(line), scan.reportedSeconds);
                out.write(line);
                out.newLine();
                scan.tail.addLast(line);
                if (scan.tail.size() > TAIL_LINES) {
                    scan.tail.removeFirst();
                }
            }
        }
        return scan;
    }

    private static OptionalDouble or(OptionalDouble preferred, OptionalDouble fallback) {
        return preferred.isPresent() ? preferred : fallback;
    }

    private static void destroyTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }
}
