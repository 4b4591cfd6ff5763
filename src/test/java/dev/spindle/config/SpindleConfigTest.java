package dev.spindle.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.common.CapturedLog;
import dev.spindle.common.ErrorCode;
import dev.spindle.common.SpindleException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpindleConfigTest {
    /** Every key and its default, in declaration order; null means no default. Update when adding an entry. */
    private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

    static {
        DEFAULTS.put("spindle.master", "local[*]");
        DEFAULTS.put("spindle.app.name", "spindle");
        DEFAULTS.put("spindle.default.parallelism", null);
        DEFAULTS.put("spindle.executor.memory", "1g");
        DEFAULTS.put("spindle.executor.cores", "1");
        DEFAULTS.put("spindle.executor.instances", "2");
        DEFAULTS.put("spindle.driver.memory", "1g");
        DEFAULTS.put("spindle.driver.cores", "1");
        DEFAULTS.put("spindle.executor.memoryOverhead", null);
        DEFAULTS.put("spindle.driver.memoryOverhead", null);
        DEFAULTS.put("spindle.executor.maxFailures", null);
        DEFAULTS.put("spindle.driver.maxResultSize", "1g");
        DEFAULTS.put("spindle.executor.heartbeatInterval", "10s");
        DEFAULTS.put("spindle.network.timeout", "120s");
        DEFAULTS.put("spindle.executor.reuseTaskCode", "true");
        DEFAULTS.put("spindle.executor.defaultJavaOptions",
                "-XX:Tier4InvocationThreshold=15000 -XX:Tier4CompileThreshold=45000 -XX:Tier4BackEdgeThreshold=120000");
        DEFAULTS.put("spindle.executor.extraJavaOptions", "");
        DEFAULTS.put("spindle.driver.defaultJavaOptions",
                "-XX:Tier4InvocationThreshold=15000 -XX:Tier4CompileThreshold=45000 -XX:Tier4BackEdgeThreshold=120000");
        DEFAULTS.put("spindle.driver.extraJavaOptions", "");
        DEFAULTS.put("spindle.task.maxFailures", "4");
        DEFAULTS.put("spindle.task.maxDirectResultSize", "1m");
        DEFAULTS.put("spindle.locality.wait", "3s");
        DEFAULTS.put("spindle.task.queueAhead.maxDuration", "2ms");
        DEFAULTS.put("spindle.memory.fraction", "0.6");
        DEFAULTS.put("spindle.memory.storageFraction", "0.5");
        DEFAULTS.put("spindle.memory.size", "0");
        DEFAULTS.put("spindle.shuffle.file.buffer", "64k");
        DEFAULTS.put("spindle.reducer.maxBytesInFlight", "48m");
        DEFAULTS.put("spindle.local.dir", null);
        DEFAULTS.put("spindle.shuffle.service.enabled", "false");
        DEFAULTS.put("spindle.shuffle.service.port", "7447");
        DEFAULTS.put("spindle.checkpoint.dir", null);
        DEFAULTS.put("spindle.output.overwrite", "false");
        DEFAULTS.put("spindle.files.maxPartitionBytes", "128m");
        DEFAULTS.put("spindle.files.maxLineLength", "64m");
        DEFAULTS.put("spindle.eventLog.enabled", null);
        DEFAULTS.put("spindle.eventLog.dir", null);
        DEFAULTS.put("spindle.history.ui.address", null);
        DEFAULTS.put("spindle.recovery.maxResultBytes", "64m");
        DEFAULTS.put("spindle.recovery.executorReconnectTimeout", "120s");
        DEFAULTS.put("spindle.dynamicAllocation.enabled", "false");
        DEFAULTS.put("spindle.dynamicAllocation.minExecutors", "0");
        DEFAULTS.put("spindle.dynamicAllocation.maxExecutors", null);
        DEFAULTS.put("spindle.dynamicAllocation.initialExecutors", null);
        DEFAULTS.put("spindle.dynamicAllocation.schedulerBacklogTimeout", "1s");
        DEFAULTS.put("spindle.dynamicAllocation.sustainedSchedulerBacklogTimeout", "1s");
        DEFAULTS.put("spindle.dynamicAllocation.executorIdleTimeout", "60s");
        DEFAULTS.put("spindle.dynamicAllocation.cachedExecutorIdleTimeout", null);
        DEFAULTS.put("spindle.dynamicAllocation.executorAllocationRatio", "1.0");
        DEFAULTS.put("spindle.dynamicAllocation.shuffleTracking.enabled", "true");
        DEFAULTS.put("spindle.cleaner.periodicGC.interval", "30min");
        DEFAULTS.put("spindle.cleaner.gcAfterShuffleBytes", "1g");
        DEFAULTS.put("spindle.rpc.maxFrameSize", "128m");
        DEFAULTS.put("spindle.rpc.handshakeTimeout", "10s");
        DEFAULTS.put("spindle.rpc.connectTimeout", "30s");
        DEFAULTS.put("spindle.rpc.maxUnauthenticatedConnections", "64");
        DEFAULTS.put("spindle.yarn.queue", "default");
        DEFAULTS.put("spindle.yarn.tags", "");
        DEFAULTS.put("spindle.yarn.maxAppAttempts", "2");
        DEFAULTS.put("spindle.yarn.attemptFailuresValidityInterval", null);
        DEFAULTS.put("spindle.yarn.submit.waitAppCompletion", "true");
        DEFAULTS.put("spindle.yarn.report.interval", "1s");
        DEFAULTS.put("spindle.yarn.preserveStagingFiles", "false");
        DEFAULTS.put("spindle.yarn.archive", null);
        DEFAULTS.put("spindle.yarn.classDataSharing", "true");
        DEFAULTS.put("spindle.yarn.javaHome", null);
        DEFAULTS.put("spindle.jars", "");
        DEFAULTS.put("spindle.files", "");
        DEFAULTS.put("spindle.ui.showConsoleProgress", "true");
        DEFAULTS.put("spindle.ui.consoleProgress.interval", "200ms");
        DEFAULTS.put("spindle.ui.enabled", "true");
        DEFAULTS.put("spindle.ui.port", "4040");
        DEFAULTS.put("spindle.ui.portMaxRetries", "16");
        DEFAULTS.put("spindle.ui.retainedJobs", "1000");
        DEFAULTS.put("spindle.ui.retainedStages", "1000");
        DEFAULTS.put("spindle.ui.retainedTasks", "100000");
        DEFAULTS.put("spindle.redaction.regex", "(?i)secret|password|passwd|token|credential|key");
        DEFAULTS.put("spindle.history.dir", null);
        DEFAULTS.put("spindle.history.ui.port", "18080");
        DEFAULTS.put("spindle.history.maxAge", "7d");
        DEFAULTS.put("spindle.history.cleaner.interval", "1h");
        DEFAULTS.put("spindle.history.retainedApplications", "50");
    }

    @Test
    void everyDefaultIsPinned() {
        Map<String, String> actual = new LinkedHashMap<>();
        for (ConfigEntry<?> entry : SpindleConfig.entries()) {
            actual.put(entry.key(), entry.defaultValue());
        }
        assertThat(actual)
                .as("a default changed or an entry was added/removed; update SpindleConfigTest.DEFAULTS "
                        + "and regenerate docs/configuration.md")
                .containsExactlyEntriesOf(DEFAULTS);
    }

    @Test
    void typedDefaults() {
        SpindleConf conf = SpindleConf.empty();
        assertThat(conf.get(SpindleConfig.EXECUTOR_MEMORY)).isEqualTo(1L << 30);
        assertThat(conf.get(SpindleConfig.SHUFFLE_FILE_BUFFER)).isEqualTo(64L << 10);
        assertThat(conf.get(SpindleConfig.LOCALITY_WAIT)).isEqualTo(Duration.ofSeconds(3));
        assertThat(conf.get(SpindleConfig.CONSOLE_PROGRESS_INTERVAL)).isEqualTo(Duration.ofMillis(200));
        assertThat(conf.get(SpindleConfig.TASK_MAX_FAILURES)).isEqualTo(4);
        assertThat(conf.get(SpindleConfig.MEMORY_FRACTION)).isEqualTo(0.6);
        assertThat(conf.get(SpindleConfig.OUTPUT_OVERWRITE)).isFalse();
        assertThat(conf.getOptional(SpindleConfig.DEFAULT_PARALLELISM)).isEmpty();
        assertThat(conf.getOptional(SpindleConfig.EVENT_LOG_ENABLED)).isEmpty();
        assertThat(conf.getOptional(SpindleConfig.EVENT_LOG_DIR)).isEmpty();
        assertThat(conf.get(SpindleConfig.RECOVERY_MAX_RESULT_BYTES)).isEqualTo(64L << 20);
        assertThat(conf.get(SpindleConfig.RECOVERY_EXECUTOR_RECONNECT_TIMEOUT)).isEqualTo(Duration.ofSeconds(120));
        assertThatThrownBy(() -> conf.get(SpindleConfig.CHECKPOINT_DIR))
                .hasMessageContaining("spindle.checkpoint.dir is not set and has no default");
    }

    @Test
    void everyEntryHasDocAndKnownType() {
        for (ConfigEntry<?> entry : SpindleConfig.entries()) {
            assertThat(entry.doc()).as(entry.key()).isNotBlank();
            assertThat(entry.type()).as(entry.key())
                    .isIn("string", "integer", "number", "byte size", "duration", "boolean");
            assertThat(SpindleConfig.entry(entry.key())).contains(entry);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "spindle.executor.memory      | 12x   | spindle.executor.memory=12x is not a valid byte size: expected a byte size such as 512m or 2g",
        "spindle.executor.memory      | 16m   | spindle.executor.memory=16m is below the minimum 32m",
        "spindle.task.maxFailures     | 0     | spindle.task.maxFailures=0 must be at least 1",
        "spindle.task.maxFailures     | four  | spindle.task.maxFailures=four is not a valid integer: expected an integer",
        "spindle.locality.wait        | 3 sec | spindle.locality.wait=3 sec is not a valid duration: expected a duration such as 500ms, 10s, 5min or 2h",
        "spindle.locality.wait        | -1s   | spindle.locality.wait=-1s is not a valid duration",
        "spindle.output.overwrite     | yes   | spindle.output.overwrite=yes is not a valid boolean: expected true or false",
        "spindle.memory.fraction      | 1.5   | spindle.memory.fraction=1.5 must be between 0 and 1 (exclusive)",
        "spindle.shuffle.file.buffer  | 100   | spindle.shuffle.file.buffer=100 must be between 1k and 64m",
        "spindle.executor.cores       | 0     | spindle.executor.cores=0 must be positive",
        "spindle.executor.instances   | -2    | spindle.executor.instances=-2 must be positive",
        "spindle.recovery.maxResultBytes | lots  | spindle.recovery.maxResultBytes=lots is not a valid byte size",
        "spindle.eventLog.enabled     | on    | spindle.eventLog.enabled=on is not a valid boolean",
        "spindle.network.timeout      | 99999999999999d | spindle.network.timeout=99999999999999d is not a valid duration: the duration is too large; write at most 106751991167d",
        "spindle.locality.wait        | 99999999999999999999s | spindle.locality.wait=99999999999999999999s is not a valid duration: the duration 99999999999999999999 is too large",
        "spindle.rpc.maxFrameSize     | 99999999999999999999 | spindle.rpc.maxFrameSize=99999999999999999999 is not a valid byte size: the byte size 99999999999999999999 is too large",
        "spindle.executor.cores       | 99999999999 | spindle.executor.cores=99999999999 is not a valid integer: expected an integer between -2147483648 and 2147483647",
        "spindle.rpc.handshakeTimeout | 10ms  | spindle.rpc.handshakeTimeout=10ms must be between 100ms and 10min",
        "spindle.rpc.handshakeTimeout | 1h    | spindle.rpc.handshakeTimeout=1h must be between 100ms and 10min",
        "spindle.rpc.connectTimeout   | 30d   | spindle.rpc.connectTimeout=30d must be between 100ms and 1h",
        "spindle.rpc.maxUnauthenticatedConnections | 0 | spindle.rpc.maxUnauthenticatedConnections=0 must be between 1 and 10000",
        "spindle.master               | local[0] | spindle.master=local[0]: invalid master local[0]: the thread count must be at least 1",
        "spindle.master               | mesos://x | spindle.master=mesos://x: invalid master mesos://x; expected",
        "spindle.app.name             | ' '   | spindle.app.name=  must not be empty",
        "spindle.local.dir            | ''    | spindle.local.dir= must not be empty; leave it unset for the default",
        "spindle.executor.extraJavaOptions | -verbose:gc -Xmx8g | spindle.executor.extraJavaOptions=-verbose:gc -Xmx8g sets -Xmx; set spindle.executor.memory instead",
        "spindle.executor.defaultJavaOptions | -Xmx8g | spindle.executor.defaultJavaOptions=-Xmx8g sets -Xmx; set spindle.executor.memory instead",
        "spindle.driver.defaultJavaOptions | -Xmx8g | spindle.driver.defaultJavaOptions=-Xmx8g sets -Xmx; set spindle.driver.memory instead",
        "spindle.yarn.tags            | ok,ünïcode | spindle.yarn.tags=ok,ünïcode has a tag longer than 100 characters or not in ASCII",
        "spindle.yarn.report.interval | 0ms   | spindle.yarn.report.interval=0ms must be between 100ms and 10min",
        "spindle.ui.consoleProgress.interval | 2h | spindle.ui.consoleProgress.interval=2h must be between 10ms and 1min",
        "spindle.ui.port              | 70000 | spindle.ui.port=70000 must be between 0 and 65535",
        "spindle.redaction.regex      | (a    | spindle.redaction.regex=(a is not a valid regular expression",
        "spindle.recovery.executorReconnectTimeout | 0s | spindle.recovery.executorReconnectTimeout=0s must be between 1s and 1d",
        "spindle.yarn.attemptFailuresValidityInterval | 0s | spindle.yarn.attemptFailuresValidityInterval=0s must be at least 1s",
        "spindle.locality.wait        | 2h    | spindle.locality.wait=2h must be at most 1h",
    })
    void badValuesFailValidationNamingKeyValueAndExpectation(String key, String value, String message) {
        SpindleConf conf = SpindleConf.of(Map.of(key, value));
        assertThatThrownBy(conf::validate)
                .isInstanceOfSatisfying(SpindleException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining(message);
    }

    /** Booleans parse or fail; spindle.jars and spindle.files are checked where the files are read (at submit). */
    @Test
    void everyNonBooleanSettingIsValidated() {
        assertThat(SpindleConfig.entries())
                .filteredOn(e -> !e.type().equals("boolean"))
                .filteredOn(e -> !List.of("spindle.jars", "spindle.files").contains(e.key()))
                .allSatisfy(e -> assertThat(e.validation()).as(e.key() + " has a range or format check").isNotNull());
    }

    @Test
    void everyDefaultPassesItsOwnValidation() {
        for (ConfigEntry<?> entry : SpindleConfig.entries()) {
            entry.defaultString().ifPresent(entry::parse);
        }
    }

    @Test
    void secretLookingKeysAreRedactedInLogsAndMessages() {
        SpindleConf conf = SpindleConf.of(Map.of("spindle.hadoop.fs.s3a.secret.key", "S3-SECRET",
                "spindle.custom.password", "PASSWORD", "spindle.some.token", "TOKEN", "spindle.app.name", "shown"));
        String logged;
        try (CapturedLog log = new CapturedLog()) {
            assertThat(conf.validate()).containsExactlyInAnyOrder("spindle.custom.password", "spindle.some.token");
            logged = log.text();
        }
        assertThat(logged).contains("spindle.custom.password (value *********(redacted))")
                .doesNotContain("PASSWORD", "TOKEN");
        assertThat(conf.toString()).contains("shown").doesNotContain("S3-SECRET", "PASSWORD", "TOKEN");
        assertThat(Redaction.isSecret("spindle.hadoop.fs.azure.account.key.x.blob.core.windows.net")).isTrue();
        assertThat(Redaction.isSecret("spindle.executor.memory")).isFalse();
    }

    @Test
    void goodValuesParse() {
        SpindleConf conf = SpindleConf.of(Map.of(
                "spindle.executor.memory", "2g",
                "spindle.locality.wait", "5min",
                "spindle.output.overwrite", "TRUE",
                "spindle.ui.consoleProgress.interval", "1s"));
        assertThat(conf.validate()).isEmpty();
        assertThat(conf.get(SpindleConfig.EXECUTOR_MEMORY)).isEqualTo(2L << 30);
        assertThat(conf.get(SpindleConfig.LOCALITY_WAIT)).isEqualTo(Duration.ofMinutes(5));
        assertThat(conf.get(SpindleConfig.OUTPUT_OVERWRITE)).isTrue();
        assertThat(conf.get(SpindleConfig.CONSOLE_PROGRESS_INTERVAL)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void javaOptionsPutTheDefaultsFirstSoTheExtraOnesWin() {
        assertThat(SpindleConfig.executorJavaOptions(SpindleConf.empty()))
                .isEqualTo(SpindleConfig.DEFERRED_C2_OPTIONS);
        assertThat(SpindleConfig.executorJavaOptions(SpindleConf.empty()
                .with("spindle.executor.extraJavaOptions", " -XX:Tier4InvocationThreshold=5000 ")))
                .isEqualTo(SpindleConfig.DEFERRED_C2_OPTIONS + " -XX:Tier4InvocationThreshold=5000");
        assertThat(SpindleConfig.executorJavaOptions(SpindleConf.empty()
                .with("spindle.executor.defaultJavaOptions", "").with("spindle.executor.extraJavaOptions", "-Xss2m")))
                .isEqualTo("-Xss2m");
        assertThat(SpindleConfig.driverJavaOptions(SpindleConf.empty()
                .with("spindle.driver.extraJavaOptions", "-XX:Tier4InvocationThreshold=5000")))
                .isEqualTo(SpindleConfig.DEFERRED_C2_OPTIONS + " -XX:Tier4InvocationThreshold=5000");
        assertThat(SpindleConfig.driverJavaOptions(SpindleConf.empty().with("spindle.driver.defaultJavaOptions", "")))
                .isEmpty();
    }

    @Test
    void unknownSpindleKeysAreReturnedAsWarningsOthersIgnored() {
        SpindleConf conf = SpindleConf.of(Map.of(
                "spindle.executor.memroy", "2g",
                "spindle.no.such.key", "x",
                "hadoop.something", "y",
                "spindle.executor.cores", "2"));
        assertThat(conf.validate()).containsExactlyInAnyOrder("spindle.executor.memroy", "spindle.no.such.key");
    }

    @Test
    void fromFileReadsCommentsBothSeparatorsAndWhitespace(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("spindle-defaults.conf");
        Files.writeString(file, """
                # a comment
                spindle.executor.memory   2g
                   spindle.executor.cores=3
                spindle.app.name  my app with spaces

                \t# indented comment
                spindle.locality.wait\t10s
                """, StandardCharsets.UTF_8);
        SpindleConf conf = SpindleConf.fromFile(file);
        assertThat(conf.asMap()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "spindle.executor.memory", "2g",
                "spindle.executor.cores", "3",
                "spindle.app.name", "my app with spaces",
                "spindle.locality.wait", "10s"));
        assertThat(conf.get(SpindleConfig.EXECUTOR_CORES)).isEqualTo(3);
    }

    @Test
    void fromFileReportsTheBadLineNumber(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("spindle-defaults.conf");
        Files.writeString(file, "# header\nspindle.executor.memory 2g\nspindle.executor.cores\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> SpindleConf.fromFile(file))
                .isInstanceOf(SpindleException.class)
                .hasMessageContaining(file + " line 3: 'spindle.executor.cores' is not 'key value'");
    }

    @Test
    void fromFileOfMissingFileNamesIt(@TempDir Path dir) {
        Path file = dir.resolve("missing.conf");
        assertThatThrownBy(() -> SpindleConf.fromFile(file))
                .isInstanceOf(SpindleException.class)
                .hasMessageContaining("cannot read config file " + file);
    }

    @Test
    void shippedDefaultsFileParsesAndIsValid() {
        Path shipped = Path.of(System.getProperty("basedir", "."), "conf", "spindle-defaults.conf");
        SpindleConf conf = SpindleConf.fromFile(shipped);
        assertThat(conf.validate()).isEmpty();
    }
}
