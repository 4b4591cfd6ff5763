package dev.spindle.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.common.Pair;
import dev.spindle.config.MasterSpec;
import dev.spindle.config.SpindleConf;
import dev.spindle.driver.Driver;
import dev.spindle.driver.DriverHost;
import dev.spindle.driver.LocalBackends;
import dev.spindle.recovery.ActionJournal;
import dev.spindle.recovery.EventLogReader;
import dev.spindle.recovery.EventLogWriter;
import dev.spindle.recovery.RecoveryRecord;
import dev.spindle.scheduler.spi.SchedulerEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay of a driver program across two "attempts" in one JVM: each attempt is a driver whose journal reads the
 * event logs of the attempts before it, as the ApplicationMaster builds them. Counting the jobs each attempt runs
 * shows what was replayed.
 */
@Timeout(120)
class ActionReplayTest {
    private static final String APP = "application_1_0001";

    @TempDir
    Path dir;

    private FileSystem fs;
    private org.apache.hadoop.fs.Path logDir;
    private Path input;
    private int attempt;
    /** spindle.output.overwrite of the next attempts. */
    private boolean overwrite;

    /** How the program goes this time. */
    private record Plan(int weight, String stopBefore) {
    }

    /** Where a simulated AM loss stops the program. */
    private static final class AmLost extends RuntimeException {
        private static final long serialVersionUID = 1L;

        AmLost(String where) {
            super("the AM is lost before " + where);
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        fs = FileSystem.getLocal(new Configuration()).getRaw();
        logDir = new org.apache.hadoop.fs.Path(dir.resolve("events").toUri());
        input = dir.resolve("in.txt");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            text.append("w").append(i % 37).append(' ').append("v").append(i % 11).append('\n');
        }
        Files.writeString(input, text);
    }

    /** count; checkpoint + collect; an accumulator; saveAsTextFile. */
    private void program(Plan plan) {
        try (Context ctx = Context.create()) {
            LongAccumulator lines = ctx.longAccumulator("lines");
            int weight = plan.weight();
            PairDataset<String, Integer> counts = ctx.textFile(input.toString(), 3)
                    .map(line -> {
                        lines.add(1);
                        return line;
                    })
                    .flatMap(line -> List.of(line.split(" ")).iterator())
                    .mapToPair(word -> Pair.of(word, weight))
                    .reduceByKey(Integer::sum, 3);
            long distinct = counts.count();
            assertThat(lines.value()).as("lines after the count, replayed or not").isEqualTo(2000);
            if (plan.stopBefore().equals("collect")) {
                throw new AmLost("collect");
            }
            counts.checkpoint();
            assertThat(counts.collect()).hasSize((int) distinct);
            if (plan.stopBefore().equals("save")) {
                throw new AmLost("save");
            }
            counts.map(p -> p.key() + "\t" + p.value()).saveAsTextFile(dir.resolve("out").toString());
        }
    }

    /** Runs {@code plan} as the next attempt; returns the descriptions of the jobs it ran. */
    private List<String> runAttempt(Plan plan, long maxResultBytes) throws IOException {
        attempt++;
        List<RecoveryRecord> earlier = new ArrayList<>();
        for (org.apache.hadoop.fs.Path file : EventLogReader.attemptFiles(fs, logDir, APP)) {
            earlier.addAll(EventLogReader.read(fs, file).records());
        }
        EventLogWriter writer = EventLogWriter.open(fs, logDir, APP, attempt);
        RecordedEvents events = new RecordedEvents();
        SpindleConf conf = SpindleConf.empty().with("spindle.master", "local[2]")
                .with("spindle.checkpoint.dir", dir.resolve("checkpoints").toString())
                .with("spindle.output.overwrite", Boolean.toString(overwrite));
        Driver driver = Driver.start(conf, getClass().getClassLoader(),
                LocalBackends.forMaster(MasterSpec.parse("local[2]")), new Driver.Hosting(APP, attempt,
                        List.of(writer, events), new ActionJournal(writer, earlier, "attempt " + (attempt - 1),
                                maxResultBytes), true));
        try {
            DriverHost.of(driver, "a test AM").run(() -> program(plan));
        } catch (AmLost e) {
            // attempt ends here, as if its AM died: nothing is cleaned up
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            driver.close();
            writer.close();
        }
        return events.stream().filter(e -> e instanceof SchedulerEvent.JobStarted)
                .map(e -> ((SchedulerEvent.JobStarted) e).description().replaceFirst(" .*", "")).toList();
    }

    private Map<String, String> output() throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> parts = Files.list(dir.resolve("out"))) {
            for (Path part : parts.filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
                files.put(part.getFileName().toString(), Files.readString(part, StandardCharsets.UTF_8));
            }
        }
        return files;
    }

    @Test
    void actionsCompletedByAnEarlierAttemptAreReplayedWithoutRunningAJob() throws IOException {
        assertThat(runAttempt(new Plan(1, "save"), 1 << 20)).containsExactly("count", "collect", "checkpoint");

        assertThat(runAttempt(new Plan(1, "none"), 1 << 20)).containsExactly("saveAsTextFile");
        assertThat(output()).containsKeys("_SUCCESS", "part-00000", "part-00001", "part-00002");
        assertThat(String.join("", output().values())).contains("w0\t55").contains("v3\t182");
    }

    @Test
    void aCommittedOutputIsKeptAsItIs() throws IOException {
        runAttempt(new Plan(1, "none"), 1 << 20);
        Path part = dir.resolve("out/part-00000");
        FileTime written = Files.getLastModifiedTime(part);
        Files.setLastModifiedTime(part, FileTime.fromMillis(written.toMillis() - 60_000));

        assertThat(runAttempt(new Plan(1, "none"), 1 << 20)).isEmpty();
        assertThat(Files.getLastModifiedTime(part).toMillis()).isEqualTo(written.toMillis() - 60_000);
    }

    @Test
    void anOutputStartedAndNotCommittedIsWrittenAgain() throws IOException {
        runAttempt(new Plan(1, "none"), 1 << 20);
        Map<String, String> expected = output();
        // As if the AM died inside the commit: the log says the output started, the _SUCCESS is missing.
        List<RecoveryRecord> records = EventLogReader.read(fs, EventLogWriter.attemptFile(logDir, APP, 1)).records();
        fs.delete(EventLogWriter.attemptFile(logDir, APP, 1), false);
        try (EventLogWriter log = EventLogWriter.open(fs, logDir, APP, 1)) {
            records.stream().filter(r -> !(r instanceof RecoveryRecord.OutputCommitted)).forEach(log::record);
        }
        Files.delete(dir.resolve("out/_SUCCESS"));
        Files.delete(dir.resolve("out/part-00002"));

        assertThat(runAttempt(new Plan(1, "none"), 1 << 20)).containsExactly("saveAsTextFile");
        assertThat(output()).isEqualTo(expected);
    }

    @Test
    void anOverwriteInterruptedBeforeItsCommitPutsTheReplacedOutputBackAndReplacesItAgain() throws IOException {
        runAttempt(new Plan(1, "none"), 1 << 20);
        Map<String, String> expected = output();
        // As if an overwriting save's AM died before its commit: the old output moved aside, a partial new one.
        overwrite = true;
        List<RecoveryRecord> records = EventLogReader.read(fs, EventLogWriter.attemptFile(logDir, APP, 1)).records();
        fs.delete(EventLogWriter.attemptFile(logDir, APP, 1), false);
        try (EventLogWriter log = EventLogWriter.open(fs, logDir, APP, 1)) {
            records.stream().filter(r -> !(r instanceof RecoveryRecord.OutputCommitted)).forEach(log::record);
        }
        Files.writeString(dir.resolve("out/old-marker"), "the replaced output");
        Path aside = dir.resolve(".out.replaced-job_1");
        Files.move(dir.resolve("out"), aside);
        Files.createDirectories(dir.resolve("out/_temporary/job_1/_attempt_3.0_0.0"));
        Files.writeString(dir.resolve("out/_temporary/job_1/_attempt_3.0_0.0/part-00000"), "partial");

        assertThat(runAttempt(new Plan(1, "none"), 1 << 20)).containsExactly("saveAsTextFile");
        assertThat(output()).isEqualTo(expected);
        assertThat(aside).doesNotExist();
        try (Stream<Path> siblings = Files.list(dir)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("replaced"));
        }
    }

    @Test
    void aChangedClosureRunsAgainAndSoDoesEverythingAfterIt() throws IOException {
        assertThat(runAttempt(new Plan(1, "save"), 1 << 20)).containsExactly("count", "collect", "checkpoint");

        assertThat(runAttempt(new Plan(2, "none"), 1 << 20))
                .containsExactly("count", "collect", "checkpoint", "saveAsTextFile");
        assertThat(String.join("", output().values())).contains("w0\t110");
    }

    @Test
    void aChangedInputFileRunsAgain() throws IOException {
        runAttempt(new Plan(1, "save"), 1 << 20);
        Files.setLastModifiedTime(input, FileTime.fromMillis(Files.getLastModifiedTime(input).toMillis() + 5_000));

        assertThat(runAttempt(new Plan(1, "none"), 1 << 20))
                .containsExactly("count", "collect", "checkpoint", "saveAsTextFile");
    }

    @Test
    void aResultTooLargeToLogRunsAgainAndSoDoesEverythingAfterIt() throws IOException {
        runAttempt(new Plan(1, "save"), 64);

        assertThat(runAttempt(new Plan(1, "none"), 64))
                .containsExactly("count", "collect", "checkpoint", "saveAsTextFile");
    }

    @Test
    void anActionTheEarlierAttemptDidNotFinishRunsAndSoDoesEverythingAfterIt() throws IOException {
        assertThat(runAttempt(new Plan(1, "collect"), 1 << 20)).containsExactly("count");

        assertThat(runAttempt(new Plan(1, "none"), 1 << 20))
                .containsExactly("collect", "checkpoint", "saveAsTextFile");
    }

    @Test
    void aSecondContextOnTheApplicationsDriverIsRefusedWhileTheFirstIsOpen() {
        SpindleConf conf = SpindleConf.empty().with("spindle.master", "local[1]");
        try (Driver driver = Driver.start(conf, getClass().getClassLoader())) {
            DriverHost host = DriverHost.of(driver, "a test AM");
            assertThatThrownBy(() -> host.run(() -> {
                try (Context first = Context.create(); Context second = Context.create()) {
                    first.range(0, 10).count();
                }
            })).hasMessageContaining("a Context is already open in this application");
            // Closed, it hands the driver on: contexts take turns on it.
            assertThat(DriverHost.current()).isEmpty();
            long[] count = new long[1];
            try {
                host.run(() -> {
                    try (Context next = Context.create()) {
                        count[0] = next.range(0, 10).count();
                    }
                });
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            assertThat(count[0]).isEqualTo(10);
        }
    }
}
