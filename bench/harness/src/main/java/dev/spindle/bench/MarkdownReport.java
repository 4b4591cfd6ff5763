package dev.spindle.bench;

import static java.util.Objects.requireNonNull;

import dev.spindle.bench.data.Manifest;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/** The results as Markdown, to paste into the README: a header naming the setup, one row per workload, notes. */
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

    private MarkdownReport() {
    }

    static String render(Setup setup, List<WorkloadResult> results) {
        StringBuilder md = new StringBuilder();
        header(md, setup);
        md.append("| Workload | Input | Spindle | Spark | Java floor | Spark/Spindle | Spindle/floor |\n");
        md.append("|---|---|--:|--:|--:|--:|--:|\n");
        for (WorkloadResult result : results) {
            row(md, result, result.workload().work(setup.manifest()), setup.manifest());
        }
        notes(md, results);
        return md.toString();
    }

    private static void header(StringBuilder md, Setup setup) {
        BenchOptions options = setup.options();
        md.append("### Spindle benchmark, ").append(setup.startedAt());
        if (!options.label().isBlank()) {
            md.append(" (").append(options.label()).append(')');
        }
        md.append("\n\n");
        md.append(String.format("Spindle %s and Spark %s in `local[%d]`, the Java floor on %d threads; scale %s; "
                        + "median of %d run%s per cell, each in a fresh JVM with `-Xmx%s`; %d cores, Java %s, %s.%n%n",
                setup.spindleVersion(), setup.sparkVersion(), options.threads(), options.threads(), options.scale(),
                options.repetitions(), options.repetitions() == 1 ? "" : "s", options.heap(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                System.getProperty("os.name")));
    }

    private static void row(StringBuilder md, WorkloadResult result, Workload.Work work, Manifest manifest) {
        OptionalDouble spindle = median(result, Engine.SPINDLE);
        OptionalDouble spark = median(result, Engine.SPARK);
        OptionalDouble floor = median(result, Engine.FLOOR);
        md.append("| ").append(result.workload().title())
                .append(" | ").append(result.workload().input(manifest))
                .append(" | ").append(cell(result, Engine.SPINDLE, work))
                .append(" | ").append(cell(result, Engine.SPARK, work))
                .append(" | ").append(cell(result, Engine.FLOOR, work))
                .append(" | ").append(ratio(spark, spindle))
                .append(" | ").append(ratio(spindle, floor))
                .append(" |\n");
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

    private static void notes(StringBuilder md, List<WorkloadResult> results) {
        md.append("\nTimes: data workloads from the start of the program's `main` (context start, job, save, context "
                + "stop; JVM start excluded); tiny tasks: the one stage, after a warm-up stage; tiny jobs: the median "
                + "job after 20 warm-up jobs; first result: from forking the JVM to the result on its stdout. "
                + "Spark/Spindle above 1× means Spindle is faster; Spindle/floor is how many times the plain-Java "
                + "time Spindle takes.\n");
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
