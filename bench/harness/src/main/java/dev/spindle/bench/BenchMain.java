package dev.spindle.bench;

import dev.spindle.bench.data.DataGenerator;
import dev.spindle.bench.data.DataLayout;
import dev.spindle.bench.data.Manifest;
import dev.spindle.bench.run.ForkedJvm;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The benchmark harness: generates (or reuses) the data, runs every selected workload on every selected engine
 * in forked JVMs, checks the outputs, and prints a Markdown table on stdout (progress goes to stderr). The table
 * is also written to {@code results/bench-TIMESTAMP.md}, the runs' output to {@code results/logs/TIMESTAMP/}.
 * Exits 1 when a run failed, 2 on a bad command line; never on timings.
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.println(BenchOptions.USAGE);
            return;
        }
        try {
            System.exit(run(BenchOptions.parse(args), System.out, System.err));
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("spindle-bench: error: " + e.getMessage());
            System.err.println(BenchOptions.USAGE);
            System.exit(2);
        } catch (IOException e) {
            System.err.println("spindle-bench: I/O error: " + e);
            System.exit(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.err.println("spindle-bench: interrupted");
            System.exit(130);
        }
    }

    static int run(BenchOptions options, PrintStream out, PrintStream progress)
            throws IOException, InterruptedException {
        LocalDateTime now = LocalDateTime.now().withNano(0);
        String stamp = now.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Classpaths classpaths = new Classpaths(options.benchDir());
        DataLayout data = new DataLayout(options.dataDir());
        Manifest manifest = needsData(options)
                ? new DataGenerator(data, options.scale(), progress).ensure()
                : Manifest.none(options.scale());
        Path logDir = options.resultsDir().resolve("logs").resolve(stamp);
        BenchRunner.Setup setup = new BenchRunner.Setup(options, data, manifest, classpaths, logDir);
        List<WorkloadResult> results = new ArrayList<>();
        try (ForkedJvm jvm = new ForkedJvm(options.timeout())) {
            BenchRunner runner = new BenchRunner(setup, jvm, progress);
            for (Workload workload : options.workloads()) {
                results.add(runner.run(workload));
            }
        }
        String report = MarkdownReport.render(new MarkdownReport.Setup(options, manifest,
                now.toString().replace('T', ' '),
                version(options, classpaths, "spindle", Engine.SPINDLE, Engine.SPINDLE_CLUSTER),
                version(options, classpaths, "spark-core_2.13", Engine.SPARK)), results);
        out.print(report);
        out.flush();
        Path file = options.resultsDir().resolve("bench-" + stamp + ".md");
        Files.createDirectories(options.resultsDir());
        Files.writeString(file, report, StandardCharsets.UTF_8);
        progress.printf("report written to %s; run logs in %s%n", file, logDir);
        return failed(results) ? 1 : 0;
    }

    private static boolean needsData(BenchOptions options) {
        return options.workloads().stream().anyMatch(Workload::readsData);
    }

    /** The version of {@code artifact} on the classpath of the first selected of {@code engines}, which share it. */
    private static String version(BenchOptions options, Classpaths classpaths, String artifact, Engine... engines)
            throws IOException {
        for (Engine engine : engines) {
            if (options.engines().contains(engine)) {
                return classpaths.jarVersion(engine, artifact).orElse("(unknown version)");
            }
        }
        return "(not run)";
    }

    private static boolean failed(List<WorkloadResult> results) {
        return results.stream().flatMap(r -> r.measurements().values().stream()).anyMatch(m -> !m.ok());
    }
}
