package dev.spindle.bench;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The harness's command line, validated.
 *
 * @param scale fraction of the full data sizes (1 = 512 MiB of words, 5M sort records, ...)
 * @param repetitions runs of each workload on each engine; the report shows the median
 * @param workloads the workloads to run, in report order
 * @param engines the engines to run them on
 * @param dataDir where generated data is cached and outputs are written
 * @param benchDir the bench project (for the engines' classpaths)
 * @param resultsDir where the report and the run logs go
 * @param threads task threads: {@code local[threads]} for Spindle and Spark, as many one-thread executors for
 *     spindle-cluster (see {@link Engine#master}), and the floor's thread count
 * @param heap -Xmx of every JVM the harness forks (spindle-cluster's executors are forked by its driver, with
 *     {@link Engine#CLUSTER_EXECUTOR_HEAP_MB})
 * @param javaOptions extra JVM options (space-separated) for every JVM the harness forks, all engines alike, and
 *     for spindle-cluster's executors; e.g. {@code -XX:+UseParallelGC} to compare the engines under another GC
 * @param cds whether every forked JVM maps a class data sharing archive (AppCDS) written by one unmeasured
 *     training run of the same engine and workload, as {@code bin/spindle-submit} does for Spindle after its first
 *     run; every engine gets the same treatment
 * @param timeout longest a single run may take before it is killed and reported as failed
 * @param label free text for the report header, e.g. the git commit under test
 */
public record BenchOptions(double scale, int repetitions, List<Workload> workloads, Set<Engine> engines,
                           Path dataDir, Path benchDir, Path resultsDir, int threads, String heap,
                           List<String> javaOptions, boolean cds, Duration timeout, String label) {

    static final String USAGE = String.join("\n",
            "usage: BenchMain [options]",
            "  --scale S           fraction of the full data sizes (default 1; 0.01 for a smoke run)",
            "  --reps N            runs per workload and engine; the median is reported (default 3)",
            "  --workloads LIST    comma-separated, or 'all' (default): " + Workload.ids(),
            "  --engines LIST      comma-separated, or 'all' (default): " + Engine.ids(),
            "                      (spindle-cluster: the spindle programs in local-cluster, see --threads)",
            "  --data-dir DIR      generated data and outputs (default /tmp/spindle-bench-data)",
            "  --bench-dir DIR     the bench project, built (default: the current directory)",
            "  --results-dir DIR   report and logs (default BENCH_DIR/results)",
            "  --threads N         local[N] for spindle and spark; local-cluster[N,1," + Engine.CLUSTER_EXECUTOR_HEAP_MB
                    + "] for spindle-cluster",
            "                      (N executor JVMs of 1 task thread each, reached over RPC);",
            "                      N threads for the floor (default 2)",
            "  --heap SIZE         -Xmx of each JVM the harness forks (default 4g); spindle-cluster's executors,",
            "                      forked by its driver, get " + Engine.CLUSTER_EXECUTOR_HEAP_MB + " MiB each",
            "  --java-opts 'OPTS'  extra JVM options for every engine's JVMs alike, e.g. '-XX:+UseParallelGC'",
            "                      (default: none, so each JVM runs with the JDK's defaults: G1)",
            "  --cds on|off        class data sharing for every engine alike (default on): before the measured runs",
            "                      of a workload, one unmeasured training run per engine writes an AppCDS archive",
            "                      that the measured runs map, as bin/spindle-submit does after its first run",
            "  --timeout-minutes M longest single run (default 60)",
            "  --label TEXT        shown in the report header, e.g. the commit under test");

    public BenchOptions {
        workloads = List.copyOf(workloads);
        engines = Set.copyOf(engines);
        requireNonNull(dataDir, "dataDir is null");
        requireNonNull(benchDir, "benchDir is null");
        requireNonNull(resultsDir, "resultsDir is null");
        requireNonNull(heap, "heap is null");
        javaOptions = List.copyOf(javaOptions);
        for (String option : javaOptions) {
            check(option.startsWith("-") && !option.startsWith("-Xmx"),
                    "--java-opts: '%s' is not a JVM option, or sets -Xmx (use --heap)", option);
            check(!cds || !(option.startsWith("-Xshare") || option.contains("SharedArchiveFile")
                            || option.contains("ArchiveClassesAtExit")),
                    "--java-opts: '%s' sets class data sharing, which --cds on does for every engine; "
                            + "add --cds off to set it yourself", option);
        }
        requireNonNull(timeout, "timeout is null");
        requireNonNull(label, "label is null");
        check(scale > 0 && scale <= 100, "--scale %s is outside (0, 100]", scale);
        check(repetitions >= 1, "--reps %s must be at least 1", repetitions);
        check(threads >= 1, "--threads %s must be at least 1", threads);
        check(heap.matches("\\d+[kmgKMG]?"), "--heap %s is not a JVM heap size like 4g or 512m", heap);
        check(!workloads.isEmpty(), "--workloads selects no workload");
        check(!engines.isEmpty(), "--engines selects no engine");
    }

    static BenchOptions parse(String[] args) {
        Map<String, String> flags = flags(args);
        Path benchDir = Path.of(flags.getOrDefault("bench-dir", ".")).toAbsolutePath().normalize();
        return new BenchOptions(
                number(flags, "scale", "1"),
                (int) number(flags, "reps", "3"),
                workloads(flags.getOrDefault("workloads", "all")),
                engines(flags.getOrDefault("engines", "all")),
                Path.of(flags.getOrDefault("data-dir", "/tmp/spindle-bench-data")).toAbsolutePath().normalize(),
                benchDir,
                Path.of(flags.getOrDefault("results-dir", benchDir.resolve("results").toString())).toAbsolutePath(),
                (int) number(flags, "threads", "2"),
                flags.getOrDefault("heap", "4g"),
                javaOptions(flags.getOrDefault("java-opts", "")),
                onOff(flags, "cds", "on"),
                Duration.ofMinutes((long) number(flags, "timeout-minutes", "60")),
                flags.getOrDefault("label", ""));
    }

    private static Map<String, String> flags(String[] args) {
        Map<String, String> flags = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            check(arg.startsWith("--"), "unexpected argument '%s'", arg);
            int eq = arg.indexOf('=');
            if (eq > 0) {
                flags.put(arg.substring(2, eq), arg.substring(eq + 1));
            } else {
                check(i + 1 < args.length, "%s needs a value", arg);
                flags.put(arg.substring(2), args[++i]);
            }
        }
        Set<String> known = Set.of("scale", "reps", "workloads", "engines", "data-dir", "bench-dir", "results-dir",
                "threads", "heap", "java-opts", "cds", "timeout-minutes",
                "label");
        for (String flag : flags.keySet()) {
            check(known.contains(flag), "unknown option --%s", flag);
        }
        return flags;
    }

    private static List<String> javaOptions(String value) {
        return value.isBlank() ? List.of() : List.of(value.strip().split("\\s+"));
    }

    private static boolean onOff(Map<String, String> flags, String flag, String defaultValue) {
        String value = flags.getOrDefault(flag, defaultValue);
        check(value.equals("on") || value.equals("off"), "--%s %s must be 'on' or 'off'", flag, value);
        return value.equals("on");
    }

    private static double number(Map<String, String> flags, String flag, String defaultValue) {
        String value = flags.getOrDefault(flag, defaultValue);
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + flag + " " + value + " is not a number", e);
        }
    }

    private static List<Workload> workloads(String list) {
        if (list.equals("all")) {
            return List.of(Workload.values());
        }
        Set<Workload> selected = EnumSet.noneOf(Workload.class);
        for (String id : list.split(",")) {
            selected.add(Workload.byId(id.strip()));
        }
        return new ArrayList<>(selected);
    }

    private static Set<Engine> engines(String list) {
        if (list.equals("all")) {
            return EnumSet.allOf(Engine.class);
        }
        Set<Engine> selected = EnumSet.noneOf(Engine.class);
        for (String id : list.split(",")) {
            selected.add(Engine.byId(id.strip()));
        }
        return selected;
    }

    private static void check(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new IllegalArgumentException(String.format(format, args));
        }
    }
}
