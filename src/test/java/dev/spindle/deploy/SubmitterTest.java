package dev.spindle.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.common.CapturedLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubmitterTest {
    @TempDir
    static Path jars;
    static Path appJar;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private Submitter submitter;

    @BeforeAll
    static void buildJar() throws IOException {
        appJar = TestJars.build(jars, "app.jar", Map.of(
                "app.Echo", """
                        package app;
                        import java.nio.file.*;
                        public class Echo {
                            public static void main(String[] args) throws Exception {
                                java.util.Map<String, String> conf;
                                try (dev.spindle.api.Context ctx = dev.spindle.api.Context.create()) {
                                    conf = ctx.conf().asMap();
                                }
                                String report = String.join(",", args)
                                        + "\\nmemory=" + conf.get("spindle.executor.memory")
                                        + "\\nmaster=" + conf.get("spindle.master")
                                        + "\\nname=" + conf.get("spindle.app.name")
                                        + "\\nproperty=" + System.getProperty("spindle.master")
                                        + "\\nloader=" + (Thread.currentThread().getContextClassLoader()
                                                == Echo.class.getClassLoader())
                                        + "\\nhelper=" + new Helper().greet();
                                Files.writeString(Path.of(args[0]), report);
                            }
                        }
                        """,
                "app.Helper", """
                        package app;
                        class Helper {
                            String greet() { return "hi"; }
                        }
                        """,
                "app.Fails", """
                        package app;
                        public class Fails {
                            public static void main(String[] args) {
                                throw new IllegalStateException("bad input " + args.length,
                                        new java.io.UncheckedIOException(new java.io.IOException("disk gone")));
                            }
                        }
                        """,
                "app.Rethrows", """
                        package app;
                        public class Rethrows {
                            public static void main(String[] args) {
                                IllegalStateException original = new IllegalStateException("job 0 aborted",
                                        new java.io.IOException("disk gone"));
                                throw new IllegalStateException(original.getMessage(), original);
                            }
                        }
                        """,
                "app.BadInit", """
                        package app;
                        public class BadInit {
                            static final int VALUE = Integer.parseInt("not a number");
                            public static void main(String[] args) {
                            }
                        }
                        """,
                "app.NoMain", """
                        package app;
                        public class NoMain {
                            public static void run(String[] args) {
                            }
                        }
                        """,
                "app.InstanceMain", """
                        package app;
                        public class InstanceMain {
                            public void main(String[] args) {
                            }
                        }
                        """));
    }

    @BeforeEach
    void setUp() {
        submitter = new Submitter(new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8), Map.of());
    }

    private int run(String... args) {
        return submitter.run(args);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void runsMainWithArgsConfigurationAndTheJarsClassLoader() throws IOException {
        Path report = dir.resolve("report.txt");
        int code = run("--master", "local[2]", "--executor-memory", "2g", "--class", "app.Echo",
                appJar.toString(), report.toString(), "--not-an-option", "x y");

        assertThat(code).as(err()).isEqualTo(Submitter.EXIT_OK);
        assertThat(Files.readAllLines(report)).containsExactly(
                report + ",--not-an-option,x y",
                "memory=2g",
                "master=local[2]",
                "name=app.Echo",
                "property=null",
                "loader=true",
                "helper=hi");
        assertThat(err()).isEmpty();
        // The configuration reached the program through its host, which is gone with it.
        assertThat(dev.spindle.driver.DriverHost.current()).isEmpty();
        assertThat(Thread.currentThread().getContextClassLoader()).isNotInstanceOf(java.net.URLClassLoader.class);
    }

    @Test
    void systemPropertiesDoNotConfigureASubmittedProgram() throws IOException {
        System.setProperty("spindle.app.name", "outer");
        try {
            Path report = dir.resolve("report.txt");
            assertThat(run("--name", "inner", "--class", "app.Echo", appJar.toString(), report.toString()))
                    .isZero();
            assertThat(Files.readString(report)).contains("name=inner");
        } finally {
            System.clearProperty("spindle.app.name");
        }
    }

    @Test
    void throwingMainExitsOneWithClassMessageAndCauses() {
        int code = run("--class", "app.Fails", appJar.toString(), "a", "b");
        assertThat(code).isEqualTo(Submitter.EXIT_APP_FAILED);
        assertThat(err().lines().toList()).containsExactly(
                "spindle-submit: application failed: java.lang.IllegalStateException: bad input 2",
                "  caused by: java.io.UncheckedIOException: java.io.IOException: disk gone",
                "  caused by: java.io.IOException: disk gone",
                "  (run with --verbose for the stack trace)");
    }

    @Test
    void aCauseThatRepeatsTheLineAboveIsNotPrintedAgain() {
        assertThat(run("--class", "app.Rethrows", appJar.toString())).isEqualTo(Submitter.EXIT_APP_FAILED);
        assertThat(err().lines().toList()).containsExactly(
                "spindle-submit: application failed: java.lang.IllegalStateException: job 0 aborted",
                "  caused by: java.io.IOException: disk gone",
                "  (run with --verbose for the stack trace)");
    }

    @Test
    void verboseFailurePrintsTheStackTrace() {
        int code = run("--verbose", "--class", "app.Fails", appJar.toString());
        assertThat(code).isEqualTo(Submitter.EXIT_APP_FAILED);
        assertThat(err())
                .contains("spindle-submit: master local[")
                .contains("  spindle.app.name=app.Echo".replace("Echo", "Fails") + "  (from default: the main class)")
                .contains("spindle-submit: application failed: java.lang.IllegalStateException: bad input 0")
                .containsPattern("java.lang.IllegalStateException: bad input 0\n\tat (spindle-app//)?app.Fails.main\\(Fails.java:")
                .contains("Caused by: java.io.IOException: disk gone")
                .doesNotContain("--verbose for the stack trace");
    }

    @Test
    void failingStaticInitializerIsAnApplicationFailure() {
        assertThat(run("--class", "app.BadInit", appJar.toString())).isEqualTo(Submitter.EXIT_APP_FAILED);
        assertThat(err()).startsWith("spindle-submit: application failed: java.lang.ExceptionInInitializerError")
                .contains("  caused by: java.lang.NumberFormatException: For input string: \"not a number\"");
    }

    @Test
    void missingJarIsAUsageError() {
        Path missing = dir.resolve("missing.jar");
        assertThat(run("--class", "app.Echo", missing.toString())).isEqualTo(Submitter.EXIT_USAGE);
        assertThat(err()).isEqualTo("spindle-submit: error: application jar " + missing.toAbsolutePath()
                + " does not exist\n");
    }

    @Test
    void directoryAndNonJarFilesAreRejected() throws IOException {
        assertThat(run("--class", "app.Echo", dir.toString())).isEqualTo(Submitter.EXIT_USAGE);
        assertThat(err()).contains("application jar " + dir.toAbsolutePath() + " is not a file");

        errBytes.reset();
        Path text = Files.writeString(dir.resolve("notes.jar"), "not a zip");
        assertThat(run("--class", "app.Echo", text.toString())).isEqualTo(Submitter.EXIT_USAGE);
        assertThat(err()).startsWith("spindle-submit: error: application jar " + text.toAbsolutePath()
                + " is not a valid jar file: ");
    }

    @Test
    void classNotInJar() {
        assertThat(run("--class", "app.Missing", appJar.toString())).isEqualTo(Submitter.EXIT_USAGE);
        assertThat(err()).isEqualTo("spindle-submit: error: class app.Missing not found in application jar "
                + appJar.toAbsolutePath() + " (no entry app/Missing.class); check --class and the jar's contents\n");
    }

    @Test
    void classWithoutPublicStaticMain() {
        for (String mainClass : List.of("app.NoMain", "app.InstanceMain")) {
            errBytes.reset();
            assertThat(run("--class", mainClass, appJar.toString())).isEqualTo(Submitter.EXIT_USAGE);
            assertThat(err()).isEqualTo("spindle-submit: error: class " + mainClass + " in " + appJar.toAbsolutePath()
                    + " has no public static void main(String[] args) method\n");
        }
    }

    @Test
    void yarnWithoutAClusterConfigurationRunsNothing() {
        Path report = dir.resolve("report.txt");
        assertThat(run("--master", "yarn", "--class", "app.Echo", appJar.toString(), report.toString()))
                .isEqualTo(Submitter.EXIT_USAGE);
        assertThat(err()).isEqualTo("spindle-submit: error: --master yarn needs HADOOP_CONF_DIR (or YARN_CONF_DIR) "
                + "set to the directory holding the cluster's core-site.xml and yarn-site.xml\n");
        assertThat(report).doesNotExist();
    }

    @Test
    void yarnStatusAndKillNeedAnApplicationId() {
        assertThat(run("--status")).isEqualTo(Submitter.EXIT_USAGE);
        assertThat(err()).contains("--status requires a YARN application id");
        errBytes.reset();
        assertThat(run("--kill", "--verbose")).isEqualTo(Submitter.EXIT_USAGE);
        assertThat(err()).contains("--kill requires a YARN application id");
    }

    @Test
    void configErrorsAreReportedBeforeAnythingRuns() {
        Path report = dir.resolve("report.txt");
        assertThat(run("--conf", "spindle.executor.memory=12x", "--class", "app.Echo", appJar.toString(),
                report.toString())).isEqualTo(Submitter.EXIT_USAGE);
        assertThat(err()).startsWith("spindle-submit: error: spindle.executor.memory=12x is not a valid byte size: ")
                .hasLineCount(1);
        assertThat(report).doesNotExist();
    }

    @Test
    void anOverflowingDurationIsOneClearErrorBeforeAnythingIsUploaded() {
        assertThat(run("--master", "yarn", "--conf", "spindle.network.timeout=99999999999999d", "--class", "app.Echo",
                appJar.toString())).isEqualTo(Submitter.EXIT_USAGE);
        assertThat(err()).startsWith("spindle-submit: error: spindle.network.timeout=99999999999999d is not a valid "
                + "duration: the duration is too large; write at most ").endsWith("d (from --conf)\n").hasLineCount(1);
    }

    @Test
    void aHandshakeTimeoutOutOfRangeIsReportedBeforeAnythingIsUploaded() {
        // With master yarn and no HADOOP_CONF_DIR, getting past validation would fail differently.
        assertThat(run("--master", "yarn", "--conf", "spindle.rpc.handshakeTimeout=0s", "--class", "app.Echo",
                appJar.toString())).isEqualTo(Submitter.EXIT_USAGE);
        assertThat(err()).isEqualTo("spindle-submit: error: spindle.rpc.handshakeTimeout=0s must be between 100ms "
                + "and 10min (from --conf)\n");
    }

    @Test
    void secretLookingValuesAppearInNoOutputAndNoLogLine() {
        Path report = dir.resolve("report.txt");
        String output;
        try (CapturedLog log = new CapturedLog()) {
            assertThat(run("--verbose", "--master", "local[1]",
                    "--conf", "spindle.hadoop.fs.s3a.secret.key=S3-SECRET-VALUE",
                    "--conf", "spindle.hadoop.fs.s3a.access.key=ACCESS-KEY-VALUE",
                    "--conf", "spindle.custom.password=PASSWORD-VALUE",
                    "--conf", "spindle.custom.token=TOKEN-VALUE",
                    "--class", "app.Echo", appJar.toString(), report.toString())).as(err()).isZero();
            output = err() + out() + log.text();
        }
        assertThat(output).contains("spindle.hadoop.fs.s3a.secret.key=*********(redacted)")
                .contains("spindle.custom.password")
                .doesNotContain("S3-SECRET-VALUE", "ACCESS-KEY-VALUE", "PASSWORD-VALUE", "TOKEN-VALUE");
    }

    @Test
    void unknownKeysWarnButRun() {
        Path report = dir.resolve("report.txt");
        assertThat(run("--conf", "spindle.executor.memroy=2g", "--class", "app.Echo", appJar.toString(),
                report.toString())).isZero();
        assertThat(err()).isEqualTo("spindle-submit: warning: unknown configuration key spindle.executor.memroy "
                + "(from --conf) is ignored (did you mean spindle.executor.memory?); see docs/configuration.md "
                + "for the keys\n");
        assertThat(report).exists();
    }

    @Test
    void unknownOptionIsOneLineAndExitTwo() {
        assertThat(run("--foo")).isEqualTo(Submitter.EXIT_USAGE);
        assertThat(err()).isEqualTo("spindle-submit: error: unknown option --foo; run spindle-submit --help\n");
    }

    @Test
    void helpVersionAndNoArguments() {
        assertThat(run("--help")).isZero();
        assertThat(out()).startsWith("Usage: spindle-submit [options] --class MAIN APP.jar [app args...]")
                .contains("--executor-memory MEM");
        outBytes.reset();
        assertThat(run("--version")).isZero();
        assertThat(out()).startsWith("spindle-submit ").contains("Java " + Runtime.version());
        assertThat(err()).isEmpty();
        assertThat(run()).isEqualTo(Submitter.EXIT_USAGE);
        assertThat(err()).startsWith("Usage: spindle-submit");
    }
}
