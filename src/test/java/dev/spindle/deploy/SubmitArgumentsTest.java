package dev.spindle.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.SpindleException;
import dev.spindle.config.SpindleConfig;
import dev.spindle.config.MasterSpec;
import dev.spindle.config.MasterSpec.Kind;
import dev.spindle.deploy.SubmitArguments.Action;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SubmitArgumentsTest {
    @TempDir
    Path dir;

    private static SubmitArguments parse(Map<String, String> env, String... args) {
        return SubmitArguments.parse(args, env);
    }

    private static String[] split(String commandLine) {
        return commandLine.isBlank() ? new String[0] : commandLine.strip().split("\\s+");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--foo --class a.B app.jar                               | unknown option --foo; run spindle-submit --help",
        "-x --class a.B app.jar                                  | unknown option -x; run spindle-submit --help",
        "--class a.B --master                                    | --master requires a value; run spindle-submit --help",
        "--master --verbose --class a.B app.jar                  | --master requires a value",
        "--class                                                 | --class requires a value",
        "--conf novalue --class a.B app.jar                      | --conf novalue is not KEY=VALUE; write for example --conf spindle.executor.memory=2g",
        "--conf =2g --class a.B app.jar                          | --conf =2g is not KEY=VALUE",
        "--executor-memory 12x --class a.B app.jar               | spindle.executor.memory=12x is not a valid byte size: expected a byte size such as 512m or 2g (a number with an optional unit k, m, g or t) (from --executor-memory)",
        "--conf spindle.executor.memory=12x --class a.B app.jar  | spindle.executor.memory=12x is not a valid byte size: expected a byte size such as 512m or 2g",
        "--driver-memory 8m --class a.B app.jar                  | spindle.driver.memory=8m is below the minimum 32m (from --driver-memory)",
        "--executor-cores two --class a.B app.jar                | spindle.executor.cores=two is not a valid integer: expected an integer (from --executor-cores)",
        "--num-executors 0 --class a.B app.jar                   | spindle.executor.instances=0 must be positive (from --num-executors)",
        "--conf spindle.task.maxFailures=0 --class a.B app.jar   | spindle.task.maxFailures=0 must be at least 1 (from --conf)",
        "--conf spindle.locality.wait=soon --class a.B app.jar   | spindle.locality.wait=soon is not a valid duration: expected a duration such as 500ms, 10s, 5min or 2h (from --conf)",
        "--master local[0] --class a.B app.jar                   | invalid master local[0]: the thread count must be at least 1; use local[N] with N >= 1, or local[*] (from --master)",
        "--master local[x] --class a.B app.jar                   | invalid master local[x]; expected local[N] (N >= 1 task threads), local[*], local[N,F] (F attempts per task), local-cluster[E,C,MB] or yarn (from --master)",
        "--master local-cluster[2,1] --class a.B app.jar         | invalid master local-cluster[2,1]; expected local-cluster[E,C,MB]",
        "--conf spindle.master=mesos --class a.B app.jar         | invalid master mesos; expected local[N] (N >= 1 task threads), local[*], local[N,F] (F attempts per task), local-cluster[E,C,MB] or yarn (from --conf)",
        "app.jar                                                 | missing --class MAIN: name the application's main class, e.g. --class com.example.WordCount",
        "--master local[2]                                       | missing --class MAIN",
        "--class a.B                                             | missing application jar: give APP.jar after the options, e.g. spindle-submit --class a.B app.jar",
        "--class com/example/Main.class app.jar                  | --class com/example/Main.class is not a Java class name; write the binary name, e.g. --class com.example.Main",
        "--class 1abc app.jar                                    | --class 1abc is not a Java class name; write the binary name, e.g. --class com.example.Main",
        "--properties-file /no/such/file.conf --class a.B app.jar | --properties-file /no/such/file.conf does not exist or is not a readable file",
    })
    void badCommandLinesFailWithAMessageNamingTheProblem(String commandLine, String message) {
        assertThatThrownBy(() -> parse(Map.of(), split(commandLine)))
                .isInstanceOfSatisfying(SpindleException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining(message);
    }

    @Test
    void minimalCommandLineUsesDefaults() {
        SubmitArguments args = parse(Map.of(), "--class", "com.example.Main", "app.jar");
        assertThat(args.action()).isEqualTo(Action.SUBMIT);
        assertThat(args.master().kind()).isEqualTo(Kind.LOCAL);
        assertThat(args.master().threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(args.mainClass()).isEqualTo("com.example.Main");
        assertThat(args.jar()).isEqualTo(Path.of("app.jar"));
        assertThat(args.appArgs()).isEmpty();
        assertThat(args.verbose()).isFalse();
        assertThat(args.warnings()).isEmpty();
        assertThat(args.conf().asMap()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "spindle.master", "local[*]",
                "spindle.app.name", "com.example.Main"));
        assertThat(args.origins()).containsEntry("spindle.master", "default")
                .containsEntry("spindle.app.name", "default: the main class");
    }

    @Test
    void everythingAfterTheJarBelongsToTheApplication() {
        SubmitArguments args = parse(Map.of(), "--verbose", "--master", "local[2]", "--class", "a.B", "app.jar",
                "in", "--master", "yarn", "--foo", "-v");
        assertThat(args.appArgs()).containsExactly("in", "--master", "yarn", "--foo", "-v");
        assertThat(args.master()).isEqualTo(new MasterSpec(Kind.LOCAL, 2, 0, 0, 0));
        assertThat(args.verbose()).isTrue();
    }

    @Test
    void inlineValuesAndNestedClassNamesAreAccepted() {
        SubmitArguments args = parse(Map.of(), "--master=local-cluster[2,1,512]", "--conf=spindle.executor.cores=3",
                "--class=com.example.Outer$Main", "app.jar");
        assertThat(args.master()).isEqualTo(new MasterSpec(Kind.LOCAL_CLUSTER, 0, 2, 1, 512));
        assertThat(args.conf().get(SpindleConfig.EXECUTOR_CORES)).isEqualTo(3);
        assertThat(args.mainClass()).isEqualTo("com.example.Outer$Main");
    }

    @Test
    void helpAndVersionWinOverEverythingElse() {
        assertThat(parse(Map.of(), "--master", "local[2]", "--help").action()).isEqualTo(Action.HELP);
        assertThat(parse(Map.of(), "-h").action()).isEqualTo(Action.HELP);
        assertThat(parse(Map.of(), "--version").action()).isEqualTo(Action.VERSION);
    }

    @Test
    void precedenceIsDefaultsFileThenConfThenFlags() throws IOException {
        Path confDir = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(confDir.resolve("spindle-defaults.conf"), """
                # cluster defaults
                spindle.executor.memory 2g
                spindle.executor.cores  2
                spindle.driver.memory   3g
                spindle.app.name=from-file
                spindle.master local[3]
                """, StandardCharsets.UTF_8);
        SubmitArguments args = parse(Map.of("SPINDLE_CONF_DIR", confDir.toString()),
                "--conf", "spindle.executor.cores=3", "--conf", "spindle.driver.memory=4g",
                "--driver-memory", "5g", "--conf", "spindle.task.maxFailures=8", "--class", "a.B", "app.jar");
        assertThat(args.conf().asMap()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "spindle.executor.memory", "2g",
                "spindle.executor.cores", "3",
                "spindle.driver.memory", "5g",
                "spindle.task.maxFailures", "8",
                "spindle.app.name", "from-file",
                "spindle.master", "local[3]"));
        Path file = confDir.resolve("spindle-defaults.conf");
        assertThat(args.origins()).containsEntry("spindle.executor.memory", file.toString())
                .containsEntry("spindle.executor.cores", "--conf")
                .containsEntry("spindle.driver.memory", "--driver-memory");
        assertThat(args.master().threads()).isEqualTo(3);

        SubmitArguments overridden = parse(Map.of("SPINDLE_CONF_DIR", confDir.toString()),
                "--master", "local[1]", "--name", "by-flag", "--conf", "spindle.master=local[2]", "--class", "a.B",
                "app.jar");
        assertThat(overridden.master().threads()).isEqualTo(1);
        assertThat(overridden.conf().get(SpindleConfig.APP_NAME)).isEqualTo("by-flag");
    }

    @Test
    void defaultsFileIsFoundUnderSpindleHomeAndReplacedByPropertiesFile() throws IOException {
        Path home = dir.resolve("home");
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/spindle-defaults.conf"), "spindle.executor.memory 2g\n");
        Path props = Files.writeString(dir.resolve("my.conf"), "spindle.executor.cores 4\n");

        assertThat(parse(Map.of("SPINDLE_HOME", home.toString()), "--class", "a.B", "app.jar").conf().asMap())
                .containsEntry("spindle.executor.memory", "2g");
        SubmitArguments withFile = parse(Map.of("SPINDLE_HOME", home.toString()),
                "--properties-file", props.toString(), "--class", "a.B", "app.jar");
        assertThat(withFile.conf().asMap()).containsEntry("spindle.executor.cores", "4")
                .doesNotContainKey("spindle.executor.memory");
        // A conf dir without the file is fine: only built-in defaults apply.
        assertThat(parse(Map.of("SPINDLE_CONF_DIR", dir.resolve("empty").toString()), "--class", "a.B", "app.jar")
                .conf().asMap()).containsOnlyKeys("spindle.master", "spindle.app.name");
    }

    @Test
    void badValueInDefaultsFileNamesTheFile() throws IOException {
        Path confDir = Files.createDirectories(dir.resolve("conf"));
        Path file = Files.writeString(confDir.resolve("spindle-defaults.conf"), "spindle.executor.memory 12x\n");
        assertThatThrownBy(() -> parse(Map.of("SPINDLE_CONF_DIR", confDir.toString()), "--class", "a.B", "app.jar"))
                .hasMessageContaining("spindle.executor.memory=12x is not a valid byte size")
                .hasMessageContaining("(from " + file + ")");
        Files.writeString(file, "spindle.executor.memory\n");
        assertThatThrownBy(() -> parse(Map.of("SPINDLE_CONF_DIR", confDir.toString()), "--class", "a.B", "app.jar"))
                .hasMessageContaining(file + " line 1: 'spindle.executor.memory' is not 'key value'");
    }

    @Test
    void unknownKeysAreWarningsWithASuggestion() {
        SubmitArguments args = parse(Map.of(), "--conf", "spindle.executor.memroy=2g", "--conf", "spindle.zzz=1",
                "--conf", "mapreduce.job.queue=x", "--conf", "spindle.hadoop.fs.s3a.endpoint=http://s3.local",
                "--conf", "spindle.hadoop.=x", "--class", "a.B", "app.jar");
        assertThat(args.warnings()).containsExactlyInAnyOrder(
                "ignoring configuration key mapreduce.job.queue (from --conf): Spindle keys start with spindle.",
                "unknown configuration key spindle.executor.memroy (from --conf) is ignored "
                        + "(did you mean spindle.executor.memory?); see docs/configuration.md for the keys",
                "unknown configuration key spindle.zzz (from --conf) is ignored; see docs/configuration.md for the keys",
                "unknown configuration key spindle.hadoop. (from --conf) is ignored; see docs/configuration.md for "
                        + "the keys");
        assertThat(args.conf().asMap()).doesNotContainKey("mapreduce.job.queue")
                .containsEntry("spindle.hadoop.fs.s3a.endpoint", "http://s3.local");
    }

    @Test
    void argumentsAreImmutable() {
        SubmitArguments args = parse(Map.of(), "--class", "a.B", "app.jar", "x");
        assertThatThrownBy(() -> args.appArgs().add("y")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(List.copyOf(args.appArgs())).containsExactly("x");
    }

    @Test
    void settingsThatContradictEachOtherFailAtSubmitNamingBoth() {
        assertThatThrownBy(() -> parse(Map.of(), "--conf", "spindle.rpc.maxFrameSize=64k", "--conf",
                "spindle.task.maxDirectResultSize=1m", "--class", "a.B", "app.jar"))
                .hasMessageContaining("spindle.task.maxDirectResultSize=1m must be below spindle.rpc.maxFrameSize=64k");
        assertThatThrownBy(() -> parse(Map.of(), "--conf", "spindle.rpc.maxFrameSize=64k", "--class", "a.B",
                "app.jar"))
                .hasMessageContaining("spindle.task.maxDirectResultSize=1m must be below spindle.rpc.maxFrameSize=64k");
        assertThatThrownBy(() -> parse(Map.of(), "--conf", "spindle.network.timeout=5s", "--conf",
                "spindle.executor.heartbeatInterval=10s", "--class", "a.B", "app.jar"))
                .hasMessageContaining("spindle.executor.heartbeatInterval=10s must be below spindle.network.timeout=5s");
        assertThat(parse(Map.of(), "--conf", "spindle.rpc.maxFrameSize=64k", "--conf",
                "spindle.task.maxDirectResultSize=32k", "--class", "a.B", "app.jar").warnings()).isEmpty();
    }
}
