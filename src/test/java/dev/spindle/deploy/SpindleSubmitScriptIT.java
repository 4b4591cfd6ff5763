package dev.spindle.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/spindle-submit} from the packaged checkout, as the README's quick start runs it: WordCount end to end,
 * the class data sharing archive made by the first run and used by the next, and a bad flag reported before work.
 */
@Timeout(300)
class SpindleSubmitScriptIT {
    private static final Path HOME = Path.of("").toAbsolutePath();

    @TempDir
    Path dir;

    private record Run(int exitCode, String stdout, String stderr) {
    }

    private Run submit(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(HOME.resolve("bin/spindle-submit").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(dir.resolve("stdout").toFile())
                .redirectError(dir.resolve("stderr").toFile());
        builder.environment().put("SPINDLE_CDS_DIR", dir.resolve("cds").toString());
        builder.environment().putAll(env);
        Process process = builder.start();
        try {
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("spindle-submit finished").isTrue();
        } finally {
            process.destroyForcibly();
        }
        return new Run(process.exitValue(), Files.readString(dir.resolve("stdout")),
                Files.readString(dir.resolve("stderr")));
    }

    private static Path appJar() throws IOException {
        try (Stream<Path> jars = Files.list(HOME.resolve("target"))) {
            return jars.filter(p -> p.getFileName().toString().matches("spindle-.*\\.jar"))
                    .filter(p -> !p.getFileName().toString().matches(".*-(sources|examples|yarn|shuffle-service)\\.jar"))
                    .findFirst().orElseThrow(() -> new AssertionError("run mvn package first"));
        }
    }

    @Test
    void wordCountRunsEndToEndLocallyAndInLocalClusterAndLaterRunsReuseTheClassArchive() throws Exception {
        Path input = dir.resolve("in.txt");
        Files.writeString(input, "to be or not to be\nthat is the question\n", StandardCharsets.UTF_8);
        for (int run = 0; run < 2; run++) {
            Path output = dir.resolve("out-" + run);
            String master = run == 0 ? "local[2]" : "local-cluster[2,1,512]";
            Run result = submit(Map.of(), "--master", master, "--class", "dev.spindle.examples.WordCount",
                    appJar().toString(), input.toString(), output.toString());
            assertThat(result.exitCode()).as(result.stderr()).isZero();
            List<String> counts = new ArrayList<>();
            try (Stream<Path> parts = Files.list(output)) {
                for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
                    counts.addAll(Files.readAllLines(part));
                }
            }
            assertThat(counts).containsExactlyInAnyOrder("to\t2", "be\t2", "or\t1", "not\t1", "that\t1", "is\t1",
                    "the\t1", "question\t1");
            assertThat(result.stderr()).doesNotContain("Exception").doesNotContain("[warning]");
            try (Stream<Path> archives = Files.list(dir.resolve("cds"))) {
                assertThat(archives.map(p -> p.getFileName().toString()).toList())
                        .as("one archive, no leftover temporary file").singleElement()
                        .satisfies(name -> assertThat(name).endsWith(".jsa"));
            }
        }
    }

    @Test
    void theSubmittingJvmCompilesWithC1AloneOnlyWhenTheDriverRunsElsewhere() throws Exception {
        // A bad value ends each run before any work; the JVM printed its flags first.
        Map<String, String> env = Map.of("SPINDLE_CDS", "false", "SPINDLE_SUBMIT_OPTS", "-XX:+PrintFlagsFinal");
        String[] rest = {"--conf", "spindle.executor.memory=12x", "--class", "dev.spindle.examples.WordCount",
            appJar().toString(), "in", "out"};
        java.util.function.Function<Run, String> tieredStop = run -> run.stdout().lines()
                .filter(line -> line.contains(" TieredStopAtLevel ")).findFirst().orElseThrow().strip();
        for (String[] master : new String[][] {{"--master", "yarn"}, {"--conf", "spindle.master=yarn"}}) {
            Run yarn = submit(env, concat(master, rest));
            assertThat(yarn.exitCode()).isNotZero();
            assertThat(yarn.stderr()).contains("spindle.executor.memory");
            assertThat(tieredStop.apply(yarn)).as(String.join(" ", master)).containsPattern("= 1 .*command line");
        }
        Run local = submit(env, concat(new String[] {"--master", "local[2]"}, rest));
        assertThat(local.exitCode()).isNotZero();
        assertThat(tieredStop.apply(local)).as("the driver's own JVM").containsPattern("= 4 .*default");
        Run overridden = submit(Map.of("SPINDLE_CDS", "false", "SPINDLE_SUBMIT_OPTS",
                "-XX:+PrintFlagsFinal -XX:TieredStopAtLevel=4"), concat(new String[] {"--master", "yarn"}, rest));
        assertThat(tieredStop.apply(overridden)).as("SPINDLE_SUBMIT_OPTS wins").containsPattern("= 4 ");
    }

    private static String[] concat(String[] first, String[] second) {
        return Stream.concat(Stream.of(first), Stream.of(second)).toArray(String[]::new);
    }

    @Test
    void anInvalidValueFailsBeforeAnyWorkWithTheSetting() throws Exception {
        Run result = submit(Map.of("SPINDLE_CDS", "false"), "--master", "local[2]", "--conf",
                "spindle.executor.memory=12x", "--class", "dev.spindle.examples.WordCount", appJar().toString(),
                "in", "out");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("spindle.executor.memory").contains("12x");
        assertThat(dir.resolve("cds")).doesNotExist();
    }
}
