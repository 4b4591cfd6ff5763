package dev.spindle.bench;

import static java.util.Objects.requireNonNull;

import dev.spindle.bench.check.OutputChecks;
import dev.spindle.bench.check.OutputFiles;
import dev.spindle.bench.data.DataLayout;
import dev.spindle.bench.data.Manifest;
import dev.spindle.bench.run.ForkedJvm;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Runs a workload {@code repetitions} times on each selected engine, each run in a fresh JVM, interleaving the
 * engines (run 1 of each, then run 2 of each, ...) so that drift on a shared machine hits all of them alike; then
 * checks the outputs of the last runs.
 *
 * <p>With {@link BenchOptions#cds()}, each engine first does one unmeasured training run of the workload that writes
 * a class data sharing archive ({@code -XX:ArchiveClassesAtExit}), and its measured runs map it
 * ({@code -XX:SharedArchiveFile}): the classes they load come verified from the archive, with the lambda and
 * method-handle classes the training run generated. That is what {@code bin/spindle-submit} gives a Spindle
 * program from its second run on; the bench gives every engine the same, so the ratios stay engine against engine.
 */
final class BenchRunner {
    /** The parts of a run that do not change from one workload to the next. */
    record Setup(BenchOptions options, DataLayout data, Manifest manifest, Classpaths classpaths, Path logDir) {
        Setup {
            requireNonNull(options, "options is null");
            requireNonNull(data, "data is null");
            requireNonNull(manifest, "manifest is null");
            requireNonNull(classpaths, "classpaths is null");
            requireNonNull(logDir, "logDir is null");
        }
    }

    private final Setup setup;
    private final ForkedJvm jvm;
    private final PrintStream progress;

    BenchRunner(Setup setup, ForkedJvm jvm, PrintStream progress) {
        this.setup = requireNonNull(setup, "setup is null");
        this.jvm = requireNonNull(jvm, "jvm is null");
        this.progress = requireNonNull(progress, "progress is null");
    }

    WorkloadResult run(Workload workload) throws IOException, InterruptedException {
        List<Engine> engines = engines(workload);
        Map<Engine, List<Double>> seconds = new EnumMap<>(Engine.class);
        Map<Engine, String> failures = new EnumMap<>(Engine.class);
        if (setup.options().cds()) {
            for (Engine engine : engines) {
                train(workload, engine).ifPresent(failure -> {
                    failures.put(engine, failure);
                    progress.printf("[%s] %s training run: FAILED: %s%n", workload.id(), engine.id(), failure);
                });
            }
        }
        int reps = setup.options().repetitions();
        for (int rep = 1; rep <= reps; rep++) {
            for (Engine engine : engines) {
                if (failures.containsKey(engine)) {
                    continue;
                }
                String label = String.format("[%s] %s run %d/%d", workload.id(), engine.id(), rep, reps);
                RunResult result = runOnce(workload, engine, rep);
                if (result.failure().isPresent()) {
                    failures.put(engine, result.failure().get());
                    progress.printf("%s: FAILED: %s%n", label, result.failure().get());
                } else {
                    seconds.computeIfAbsent(engine, e -> new ArrayList<>()).add(result.seconds());
                    progress.printf("%s: %s%n", label, Format.duration(result.seconds()));
                }
            }
        }
        Map<Engine, Measurement> measurements = new EnumMap<>(Engine.class);
        for (Engine engine : engines) {
            measurements.put(engine, new Measurement(seconds.getOrDefault(engine, List.of()),
                    Optional.ofNullable(failures.get(engine))));
        }
        return new WorkloadResult(workload, measurements, check(workload, measurements));
    }

    private List<Engine> engines(Workload workload) {
        List<Engine> engines = new ArrayList<>();
        for (Engine engine : Engine.values()) {
            if (workload.engines().contains(engine) && setup.options().engines().contains(engine)) {
                engines.add(engine);
            }
        }
        return engines;
    }

    /** One run's seconds, or why it has none. */
    private record RunResult(double seconds, Optional<String> failure) {
    }

    /**
     * The unmeasured run that writes {@code engine}'s class data sharing archive for {@code workload}; why it failed,
     * if it did (the measured runs of that engine are then skipped, as after a failed run).
     */
    private Optional<String> train(Workload workload, Engine engine) throws IOException, InterruptedException {
        Path archive = archive(workload, engine);
        Files.createDirectories(archive.getParent());
        Files.deleteIfExists(archive);
        String dump = "-XX:ArchiveClassesAtExit=" + archive;
        RunResult result = runOnce(workload, engine, "train", List.of(dump));
        if (result.failure().isPresent()) {
            return result.failure();
        }
        if (!Files.isRegularFile(archive) || Files.size(archive) == 0) {
            return Optional.of("the training run wrote no class data sharing archive " + archive + "; see its log "
                    + log(workload, engine, "train") + " (or run with --cds off)");
        }
        progress.printf("[%s] %s training run (CDS archive %.1f MiB): %s%n", workload.id(), engine.id(),
                Files.size(archive) / 1048576.0, Format.duration(result.seconds()));
        return Optional.empty();
    }

    private Path archive(Workload workload, Engine engine) {
        return setup.options().dataDir().resolve("cds").resolve(workload.id() + "-" + engine.id() + ".jsa");
    }

    private Path log(Workload workload, Engine engine, String run) {
        return setup.logDir().resolve(workload.id() + "-" + engine.id() + "-" + run + ".log");
    }

    private RunResult runOnce(Workload workload, Engine engine, int rep) throws IOException, InterruptedException {
        // -Xshare:on: a run that cannot map the archive fails instead of silently running without it.
        List<String> cds = setup.options().cds()
                ? List.of("-Xshare:on", "-XX:SharedArchiveFile=" + archive(workload, engine))
                : List.of();
        return runOnce(workload, engine, Integer.toString(rep), cds);
    }

    private RunResult runOnce(Workload workload, Engine engine, String run, List<String> cds)
            throws IOException, InterruptedException {
        Path out = setup.data().output(workload.id(), engine.id());
        OutputFiles.deleteRecursively(out);
        List<String> command = command(workload, engine, out, cds);
        Path log = log(workload, engine, run);
        ForkedJvm.Outcome outcome = jvm.run(command, engine.environment(), log);
        OptionalDouble seconds = switch (workload.timing()) {
            case MAIN -> outcome.mainSeconds();
            case REPORTED -> outcome.reportedSeconds();
            case FIRST_RESULT -> outcome.firstResultSeconds();
        };
        if (outcome.succeeded() && seconds.isPresent()) {
            return new RunResult(seconds.getAsDouble(), Optional.empty());
        }
        String why = outcome.timedOut() ? "killed after " + setup.options().timeout().toMinutes() + " min"
                : outcome.succeeded() ? "exit 0 but no result line" : "exit " + outcome.exitCode();
        return new RunResult(0, Optional.of(why + "; log " + log + "\n    " + String.join("\n    ", outcome.tail())));
    }

    private List<String> command(Workload workload, Engine engine, Path out, List<String> cds) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + setup.options().heap());
        command.addAll(cds);
        command.addAll(setup.options().javaOptions());
        command.addAll(engine.jvmOptions(setup.options().threads(), setup.options().javaOptions()));
        command.add("-cp");
        command.add(setup.classpaths().of(engine));
        command.add("dev.spindle.bench.run.Launcher");
        command.addAll(Programs.of(workload, engine, setup.data(), out, setup.options().threads()));
        return command;
    }

    private List<String> check(Workload workload, Map<Engine, Measurement> measurements) throws IOException {
        if (!workload.readsData()) {
            return List.of();
        }
        Map<String, Path> outputs = new LinkedHashMap<>();
        measurements.forEach((engine, measurement) -> {
            if (measurement.ok()) {
                outputs.put(engine.title(), setup.data().output(workload.id(), engine.id()));
            }
        });
        progress.printf("[%s] checking the outputs of %s%n", workload.id(), outputs.keySet());
        Manifest manifest = setup.manifest();
        return switch (workload) {
            case WORDCOUNT -> OutputChecks.wordCount(manifest, outputs);
            case SORT -> OutputChecks.sort(setup.data(), manifest, outputs);
            case JOIN -> OutputChecks.join(manifest, outputs);
            case PAGERANK -> OutputChecks.pageRank(outputs);
            default -> List.of();
        };
    }
}
