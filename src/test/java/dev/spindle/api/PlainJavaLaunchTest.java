package dev.spindle.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Programs started with plain {@code java} rather than {@code spindle-submit}: a single source file ({@code java
 * Prog.java}), which the JDK compiles into a class loader of its own while the thread's context loader stays the
 * application's (the program makes its context through {@code Optional.map}, so the nearest caller is the JDK's), and
 * a class path of relative entries, which local-cluster executors, running in directories of their
 * own, must still resolve.
 */
@Timeout(180)
class PlainJavaLaunchTest {
    private static final String PROGRAM = """
            import dev.spindle.api.Context;
            import dev.spindle.common.Pair;
            import dev.spindle.config.SpindleConf;
            import java.util.List;
            import java.util.Optional;
            import java.util.TreeMap;

            public class Prog {
                record Reading(String sensor, int value) {
                }

                public static void main(String[] args) {
                    int offset = Integer.parseInt(args[0]);
                    // Made through a JDK method between the program and the context.
                    try (Context ctx = Optional.of(SpindleConf.empty()).map(Context::new).orElseThrow()) {
                        List<Pair<String, Integer>> sums = ctx.parallelize(List.of(1, 2, 3, 4, 5, 6), 3)
                                .map(i -> new Reading(i % 2 == 0 ? "even" : "odd", i + offset))
                                .mapToPair(r -> Pair.of(r.sensor(), r.value()))
                                .reduceByKey(Integer::sum, 2)
                                .collect();
                        TreeMap<String, Integer> sorted = new TreeMap<>();
                        sums.forEach(p -> sorted.put(p.key(), p.value()));
                        System.out.println("sums " + sorted);
                    }
                }
            }
            """;

    /** This JVM's class path, entry by entry (surefire's, not its launcher jar's). */
    private static List<String> classPath() {
        String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return List.of(path.split(File.pathSeparator)).stream().filter(e -> !e.isBlank()).toList();
    }

    @Test
    void aSingleFileProgramsLambdasAndRecordRunInLocalMode(@TempDir Path dir) throws Exception {
        Path source = Files.writeString(dir.resolve("Prog.java"), PROGRAM);
        Run run = java(dir, String.join(File.pathSeparator, classPath()), "-Dspindle.master=local[2]", source.toString(),
                "10");
        assertThat(run.exitCode()).as(run.output()).isZero();
        // even: 2 + 4 + 6 + 3 × 10; odd: 1 + 3 + 5 + 3 × 10
        assertThat(run.output()).contains("sums {even=42, odd=39}");
    }

    @Test
    void aSingleFileProgramWithExecutorProcessesIsRefusedAtOnceWithTheFix(@TempDir Path dir) throws Exception {
        Path source = Files.writeString(dir.resolve("Prog.java"), PROGRAM);
        Run run = java(dir, String.join(File.pathSeparator, classPath()), "-Dspindle.master=local-cluster[1,1,512]",
                source.toString(), "10");
        assertThat(run.exitCode()).as(run.output()).isNotZero();
        assertThat(run.output()).contains("Prog's class file is sourcelauncher-")
                .contains("not in a file or jar that executor processes can read")
                .contains("run it with spindle.master=local[N], or compile it into a jar")
                .doesNotContain("sums {").doesNotContain("SerializedLambda");
    }

    @Test
    void localClusterExecutorsResolveARelativeClassPathAndLoggingConfiguration(@TempDir Path dir) throws Exception {
        List<String> relative = new ArrayList<>();
        for (String entry : classPath()) {
            relative.add(dir.relativize(Path.of(entry).toAbsolutePath()).toString());
        }
        // Driver and executors append to one file, named absolutely: the executors find it only through the
        // configuration's relative name.
        Path logged = dir.resolve("all.log");
        Files.writeString(dir.resolve("logging.properties"), """
                appender.file.type = File
                appender.file.name = file
                appender.file.fileName = %s
                appender.file.append = true
                appender.file.layout.type = PatternLayout
                appender.file.layout.pattern = %%m%%n
                rootLogger.level = info
                rootLogger.appenderRef.file.ref = file
                """.formatted(logged));
        Path input = Files.writeString(dir.resolve("in.txt"), "b a b\nc b\n");
        Run run = java(dir, String.join(File.pathSeparator, relative), "-Dspindle.master=local-cluster[1,1,512]",
                "-Dlog4j2.configurationFile=logging.properties",
                "dev.spindle.examples.WordCount", input.toString(), dir.resolve("out").toString());
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(Files.readString(logged)).as("the executor's lines, configured by the relative logging.properties")
                .contains("Executor 1 registered with the driver at");
        List<String> counts = new ArrayList<>();
        try (var parts = Files.list(dir.resolve("out"))) {
            for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
                counts.addAll(Files.readAllLines(part));
            }
        }
        assertThat(counts).containsExactlyInAnyOrder("a\t1", "b\t3", "c\t1");
    }

    private record Run(int exitCode, String output) {
    }

    /** Runs {@code java -cp classPath args...} in {@code dir}, the web UI off; its output, once it has ended. */
    private static Run java(Path dir, String classPath, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", classPath, "-Dspindle.ui.enabled=false"));
        command.addAll(List.of(args));
        Path out = dir.resolve("java-output.txt");
        Process java = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        try {
            assertThat(java.waitFor(150, TimeUnit.SECONDS)).as("the program ended").isTrue();
            return new Run(java.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            java.destroyForcibly().waitFor();
        }
    }
}
