package dev.spindle.bench;

import static java.util.Objects.requireNonNull;

import dev.spindle.bench.data.Manifest;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The results as Markdown, to paste into the README: a header naming the setup, one row per workload, notes. The
 * spindle-cluster columns appear only when that engine was selected, so that a run without it gives the same
 * table as before it existed.
 */
final class MarkdownReport {
    /** What the header says about the run. */
    record Setup(BenchOptions options, Manifest manifest, String startedAt, String spindleVersion,
                 String sparkVersion) {
        Setup {
            requireNonNull(options, "options is null");
            requireNonNull(manifest, "manifest is null");
            requireNonNull(startedAt, "startedAt is null");
            requireNonNull(spindleVersion, "spindleVersion is null");
            requireNonNull(sparkVersion, "sparkVersion is null");
        }
    }

    private static final String NOT_RUN = "—";

    /** One column of the table: its header, its alignment (Markdown's {@code ---} or {@code --:}), its cells. */
    private record Column(String header, String alignment, Function<WorkloadResult, String> cell) {
    }

    private MarkdownReport() {
    }

    static String render(Setup setup, List<WorkloadResult> results) {
        StringBuilder md = new StringBuilder();
        header(md, setup);
        List<Column> columns = columns(setup);
        row(md, columns, Column::header);
        md.append(columns.stream().map(Column::alignment).collect(Collectors.joining("|", "|", "|\n")));
        for (WorkloadResult result : results) {
            row(md, columns, column -> column.cell().apply(result));
        }
        notes(md, setup, results);
        return md.toString();
    }

    private static List<Column> columns(Setup setup) {
        Manifest manifest = setup.manifest();
        boolean cluster = setup.options().engines().contains(Engine.SPINDLE_CLUSTER);
        List<Column> columns = new ArrayList<>();
        columns.add(new Column("Workload", "---", result -> result.workload().title()));
        columns.add(new Column("Input", "---", result -> result.workload().input(manifest)));
        columns.add(time("Spindle", Engine.SPINDLE, manifest));
        if (cluster) {
            columns.add(time("Spindle " + clusterMaster(setup), Engine.SPINDLE_CLUSTER, manifest));
        }
        columns.add(time("Spark", Engine.SPARK, manifest));
        columns.add(time("Java floor", Engine.FLOOR, manifest));
        columns.add(ratio("Spark/Spindle", Engine.SPARK, Engine.SPINDLE));
        if (cluster) {
            columns.add(ratio("Spark/Spindle-cluster", Engine.SPARK, Engine.SPINDLE_CLUSTER));
        }
        columns.add(ratio("Spindle/floor", Engine.SPINDLE, Engine.FLOOR));
        if (cluster && setup.options().engines().contains(Engine.SPINDLE)) {
            columns.add(new Column("Spindle-cluster/Spindle, paired", "--:", result -> {
                OptionalDouble paired = result.of(Engine.SPINDLE).flatMap(local -> result.of(Engine.SPINDLE_CLUSTER)
                        .map(local::pairedRatio)).orElse(OptionalDouble.empty());
                return paired.isPresent() ? Format.factor(paired.getAsDouble()) : NOT_RUN;
            }));
        }
        return columns;
    }

    private static Column time(String header, Engine engine, Manifest manifest) {
        return new Column(header, "--:", result -> cell(result, engine, result.workload().work(manifest)));
    }

    private static Column ratio(String header, Engine numerator, Engine denominator) {
        return new Column(header, "--:", result -> ratio(median(result, numerator), median(result, denominator)));
    }

    private static void row(StringBuilder md, List<Column> columns, Function<Column, String> text) {
        md.append(columns.stream().map(text).collect(Collectors.joining(" | ", "| ", " |\n")));
    }

    private static String clusterMaster(Setup setup) {
        return Engine.SPINDLE_CLUSTER.master(setup.options().threads()).orElseThrow();
    }

    private static void header(StringBuilder md, Setup setup) {
        BenchOptions options = setup.options();
        md.append("### Spindle benchmark, ").append(setup.startedAt());
        if (!options.label().isBlank()) {
            md.append(" (").append(options.label()).append(')');
        }
        md.append("\n\n");
        String cluster = options.engines().contains(Engine.SPINDLE_CLUSTER)
                ? ", Spindle also in `" + clusterMaster(setup) + "` (executor JVMs over RPC)"
                : "";
        md.append(String.format("Spindle %s and Spark %s in `local[%d]`%s, the Java floor on %d threads; scale %s; "
                        + "median of %d run%s per cell, each in a fresh JVM with `-Xmx%s%s`%s; "
                        + "%d cores, Java %s, %s.%n%n",
                setup.spindleVersion(), setup.sparkVersion(), options.threads(), cluster, options.threads(),
                options.scale(), options.repetitions(), options.repetitions() == 1 ? "" : "s", options.heap(),
                options.javaOptions().isEmpty() ? "" : " " + String.join(" ", options.javaOptions()),
                options.cds()
                        ? " and an AppCDS archive from one unmeasured training run of the same engine and workload"
                        : ", no class data sharing archive",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                System.getProperty("os.name")));
    }

    private static String cell(WorkloadResult result, Engine engine, Workload.Work work) {
        if (result.of(engine).isEmpty()) {
            return NOT_RUN;
        }
        Measurement measurement = result.of(engine).get();
        if (!measurement.ok()) {
            return "**FAILED**";
        }
        double seconds = measurement.median().getAsDouble();
        String time = Format.duration(seconds);
        return work.amount() > 0 ? time + " · " + Format.rate(work.amount() / seconds, work.unitPerSecond()) : time;
    }

    private static OptionalDouble median(WorkloadResult result, Engine engine) {
        return result.of(engine).filter(Measurement::ok).map(Measurement::median).orElse(OptionalDouble.empty());
    }

    private static String ratio(OptionalDouble numerator, OptionalDouble denominator) {
        if (numerator.isEmpty() || denominator.isEmpty() || denominator.getAsDouble() <= 0) {
            return NOT_RUN;
        }
        return Format.ratio(numerator.getAsDouble() / denominator.getAsDouble());
    }

    private static void notes(StringBuilder md, Setup setup, List<WorkloadResult> results) {
        md.append("\nTimes: data workloads from the start of the program's `main` (context start, job, save, context "
                + "stop; JVM start excluded); tiny tasks: the measured stage, after two identical warm-up stages; "
                + "tiny jobs: the median job after 3 s of the same jobs as warm-up; first result: from forking the "
                + "JVM to the result on its stdout. "
                + "Spark/Spindle above 1× means Spindle is faster; Spindle/floor is how many times the plain-Java "
                + "time Spindle takes.");
        if (setup.options().engines().contains(Engine.SPINDLE_CLUSTER)) {
            md.append(" Spark/Spindle-cluster likewise for Spindle in `").append(clusterMaster(setup))
                    .append("`, whose data-workload and first-result times include starting its executor JVMs.");
            if (setup.options().engines().contains(Engine.SPINDLE)) {
                md.append(" Spindle-cluster/Spindle, paired: how many times its `local[").append(setup.options()
                        .threads()).append("]` time Spindle takes in `").append(clusterMaster(setup))
                        .append("`, the median over rounds of the two runs of each round (run one after the other, "
                                + "so that the machine's speed drifting between rounds moves both alike).");
            }
        }
        md.append('\n');
        List<String> warnings = new ArrayList<>();
        for (WorkloadResult result : results) {
            warnings.addAll(result.warnings());
            result.measurements().forEach((engine, measurement) -> measurement.failure().ifPresent(
                    failure -> warnings.add(result.workload().id() + " on " + engine.title() + " failed: "
                            + failure.lines().findFirst().orElse(""))));
        }
        if (!warnings.isEmpty()) {
            md.append('\n');
            for (String warning : warnings) {
                md.append("- WARNING: ").append(warning).append('\n');
            }
        }
    }
}
