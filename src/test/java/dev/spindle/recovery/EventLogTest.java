package dev.spindle.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.ExecutorId;
import dev.spindle.common.SpindleException;
import dev.spindle.plan.TaskFailure;
import dev.spindle.plan.TaskMetrics;
import dev.spindle.scheduler.spi.SchedulerEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.Syncable;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventLogTest {
    private static final String APP = "application_1700000000000_0007";
    private static final ExecutorId EXEC = new ExecutorId("3");

    @TempDir
    java.nio.file.Path tmp;

    /**
     * The raw local file system: the checksummed one buffers checksum chunks, so what was hflushed is not always
     * visible to a reader, unlike on HDFS.
     */
    private FileSystem fs;
    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        fs = FileSystem.getLocal(new Configuration()).getRaw();
        dir = new Path(tmp.toUri().toString(), "events");
    }

    @Test
    void everyEventAndRecordTypeSurvivesTheRoundTrip() {
        List<SchedulerEvent> events = allEvents();
        List<RecoveryRecord> records = allRecords();
        Path file;
        try (EventLogWriter writer = EventLogWriter.open(fs, dir, APP, 1)) {
            file = writer.file();
            for (int i = 0; i < Math.max(events.size(), records.size()); i++) {
                if (i < events.size()) {
                    writer.onEvent(events.get(i));
                }
                if (i < records.size()) {
                    writer.record(records.get(i));
                }
            }
        }
        assertThat(file).isEqualTo(new Path(new Path(dir, APP), "attempt-1.avro"));

        EventLogReader.Contents contents = EventLogReader.read(fs, file);

        assertThat(contents.truncated()).isFalse();
        // TaskMetrics has no equals: compare field by field, recursively.
        assertThat(contents.events()).usingRecursiveFieldByFieldElementComparator()
                .containsExactlyElementsOf(events);
        assertThat(contents.records()).containsExactlyElementsOf(records);
        assertThat(((SchedulerEvent.TaskEnded) contents.events().get(7)).metrics().toMap())
                .isEqualTo(metrics(100).toMap());
    }

    @Test
    void theRoundTripCoversEveryEventAndRecordType() {
        Set<Class<?>> covered = new HashSet<>();
        allEvents().forEach(e -> covered.add(e.getClass()));
        allRecords().forEach(r -> covered.add(r.getClass()));
        assertThat(covered).containsAll(Arrays.asList(SchedulerEvent.class.getPermittedSubclasses()))
                .containsAll(Arrays.asList(RecoveryRecord.class.getPermittedSubclasses()));
    }

    @Test
    void aRecoveryRecordIsReadableAsSoonAsRecordReturns() {
        try (EventLogWriter writer = EventLogWriter.open(fs, dir, APP, 1)) {
            var output = new RecoveryRecord.OutputStarted(4, "fp-4", "hdfs:///out/4");
            writer.record(output);

            EventLogReader.Contents contents = EventLogReader.read(fs, writer.file());

            assertThat(contents.records()).containsExactly(output);
            assertThat(contents.truncated()).isFalse();
        }
    }

    @Test
    void aStageCompletionMakesTheTaskEventsBeforeItReadable() {
        try (EventLogWriter writer = EventLogWriter.open(fs, dir, APP, 1)) {
            var started = new SchedulerEvent.TaskStarted(10, 1, 0, 5L, 0, 0, EXEC, "host-a");
            var ended = new SchedulerEvent.TaskEnded(11, 1, 0, 5L, 0, 0, EXEC, null, null);
            writer.onEvent(started);
            writer.onEvent(ended);
            // Task events alone are buffered (not durable), so nothing is visible yet.
            assertThat(EventLogReader.read(fs, writer.file()).events()).isEmpty();

            var completed = new SchedulerEvent.StageCompleted(12, 1, 0, "map at Job.java:3", null);
            writer.onEvent(completed);

            assertThat(EventLogReader.read(fs, writer.file()).events()).containsExactly(started, ended, completed);
        }
    }

    @Test
    void aLogCutAtAnyByteAfterTheHeaderYieldsTheCompleteBlocksBeforeTheCut() throws IOException {
        List<Long> blockEnds = new ArrayList<>();
        List<Integer> eventsAtBlockEnd = new ArrayList<>();
        List<SchedulerEvent> written = new ArrayList<>();
        Path file;
        try (EventLogWriter writer = EventLogWriter.open(fs, dir, APP, 1)) {
            file = writer.file();
            blockEnds.add(fs.getFileStatus(file).getLen()); // the header alone
            eventsAtBlockEnd.add(0);
            for (int stage = 0; stage < 3; stage++) {
                for (int task = 0; task < 2; task++) {
                    written.add(new SchedulerEvent.TaskEnded(stage * 10 + task, stage, 0, stage * 2L + task, task, 0,
                            EXEC, metrics(task), null));
                }
                written.add(new SchedulerEvent.StageCompleted(stage * 10 + 9, stage, 0, "stage " + stage, null));
                for (int i = written.size() - 3; i < written.size(); i++) {
                    writer.onEvent(written.get(i));
                }
                blockEnds.add(fs.getFileStatus(file).getLen());
                eventsAtBlockEnd.add(written.size());
            }
        }
        byte[] full = Files.readAllBytes(java.nio.file.Path.of(file.toUri()));
        assertThat((long) full.length).isEqualTo(blockEnds.get(blockEnds.size() - 1));
        Path cut = new Path(dir, "cut.avro");

        for (int length = blockEnds.get(0).intValue(); length <= full.length; length++) {
            Files.write(java.nio.file.Path.of(cut.toUri()), Arrays.copyOf(full, length));

            EventLogReader.Contents contents = EventLogReader.read(fs, cut);

            int complete = 0;
            while (complete + 1 < blockEnds.size() && blockEnds.get(complete + 1) <= length) {
                complete++;
            }
            // By text: a recursive comparison per cut is slow, and the round-trip test compares field by field.
            assertThat(contents.events()).as("cut at byte %d of %d", length, full.length)
                    .extracting(Object::toString)
                    .containsExactlyElementsOf(written.subList(0, eventsAtBlockEnd.get(complete)).stream()
                            .map(Object::toString).toList());
            assertThat(contents.truncated()).as("cut at byte %d of %d", length, full.length)
                    .isEqualTo(!blockEnds.contains((long) length));
        }
    }

    @Test
    void aLogCutInsideItsHeaderIsAnErrorNamingTheFile() throws IOException {
        Path file;
        try (EventLogWriter writer = EventLogWriter.open(fs, dir, APP, 1)) {
            file = writer.file();
        }
        byte[] full = Files.readAllBytes(java.nio.file.Path.of(file.toUri()));
        Path cut = new Path(dir, "cut.avro");
        for (int length = 0; length < full.length; length++) {
            Files.write(java.nio.file.Path.of(cut.toUri()), Arrays.copyOf(full, length));
            assertThatThrownBy(() -> EventLogReader.read(fs, cut)).as("cut at byte %d", length)
                    .isInstanceOfSatisfying(SpindleException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                    .hasMessageContaining(cut.toString());
        }
        assertThatThrownBy(() -> EventLogReader.read(fs, cut))
                .hasMessageContaining("ends inside its Avro header");
    }

    @Test
    void aFileThatIsNotAvroIsAnErrorNamingTheFile() throws IOException {
        Path garbage = new Path(dir, "garbage.avro");
        fs.mkdirs(dir);
        Files.writeString(java.nio.file.Path.of(garbage.toUri()), "{\"event\": \"JobStarted\"}\n".repeat(20),
                StandardCharsets.UTF_8);

        assertThatThrownBy(() -> EventLogReader.read(fs, garbage))
                .isInstanceOf(SpindleException.class)
                .hasMessageContaining(garbage.toString())
                .hasMessageContaining("not an Avro container file");
    }

    @Test
    void anAttemptsLogIsNeverOverwritten() {
        var record = new RecoveryRecord.ShuffleRegistered(0, "fp", 8);
        try (EventLogWriter first = EventLogWriter.open(fs, dir, APP, 2)) {
            first.record(record);
        }

        assertThatThrownBy(() -> EventLogWriter.open(fs, dir, APP, 2))
                .isInstanceOfSatisfying(SpindleException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.OUTPUT_CONFLICT))
                .hasMessageContaining(new Path(new Path(dir, APP), "attempt-2.avro").toString())
                .hasMessageContaining("already exists");
        assertThat(EventLogReader.read(fs, EventLogWriter.attemptFile(dir, APP, 2)).records()).containsExactly(record);
    }

    @Test
    void attemptFilesAreSortedByAttemptNumberAndOtherFilesIgnored() throws IOException {
        for (int attempt : new int[] {10, 2, 1}) {
            EventLogWriter.open(fs, dir, APP, attempt).close();
        }
        fs.create(new Path(new Path(dir, APP), "attempt-x.avro")).close();
        fs.create(new Path(new Path(dir, APP), "attempt-3.avro.tmp")).close();
        fs.create(new Path(new Path(dir, APP), "notes.txt")).close();

        List<Path> files = EventLogReader.attemptFiles(fs, dir, APP);

        assertThat(files).extracting(Path::getName)
                .containsExactly("attempt-1.avro", "attempt-2.avro", "attempt-10.avro");
        assertThat(EventLogReader.attemptFiles(fs, dir, "application_1700000000000_0008")).isEmpty();
    }

    @Test
    void durablePointsHflushAndOtherEventsDoNot() {
        InstrumentedFileSystem instrumented = new InstrumentedFileSystem(fs);
        try (EventLogWriter writer = EventLogWriter.open(instrumented, dir, APP, 1)) {
            int afterOpen = instrumented.hflushes.get();
            assertThat(afterOpen).as("the header is made durable by open").isEqualTo(1);

            writer.onEvent(new SchedulerEvent.TaskStarted(1, 0, 0, 0L, 0, 0, EXEC, "host-a"));
            writer.onEvent(new SchedulerEvent.StageSubmitted(2, 0, 0, "map", 1, 0));
            writer.onEvent(new SchedulerEvent.ExecutorAdded(3, EXEC, "host-a", 2));
            assertThat(instrumented.hflushes.get()).isEqualTo(afterOpen);

            writer.record(new RecoveryRecord.ShuffleRegistered(0, "fp", 1));
            writer.onEvent(new SchedulerEvent.StageCompleted(4, 0, 0, "map", null));
            writer.onEvent(new SchedulerEvent.JobFinished(5, 0, true, null));
            writer.onEvent(new SchedulerEvent.ApplicationStarted(6, APP, 1, "app", "alice", Map.of(), Map.of()));
            writer.onEvent(new SchedulerEvent.ApplicationEnded(7, "SUCCEEDED", ""));
            assertThat(instrumented.hflushes.get()).isEqualTo(afterOpen + 5);
        }
    }

    @Test
    void anIoFailureTurnsTheWriterOffWithoutFailingTheCaller() {
        InstrumentedFileSystem failing = new InstrumentedFileSystem(fs);
        var before = new RecoveryRecord.OutputCommitted(0, "fp-0", "/out/0");
        try (EventLogWriter writer = EventLogWriter.open(failing, dir, APP, 1)) {
            writer.record(before);
            failing.broken.set(true);

            writer.record(new RecoveryRecord.OutputCommitted(1, "fp-1", "/out/1"));
            assertThat(writer.isOpen()).isFalse();

            failing.broken.set(false);
            writer.record(new RecoveryRecord.OutputCommitted(2, "fp-2", "/out/2"));
            writer.onEvent(new SchedulerEvent.JobFinished(5, 0, true, null));
        }
        EventLogReader.Contents contents = EventLogReader.read(fs, EventLogWriter.attemptFile(dir, APP, 1));
        assertThat(contents.records()).containsExactly(before);
        assertThat(contents.events()).isEmpty();
    }

    /** Counts hflush calls on the files it creates, and fails their writes while {@code broken} is set. */
    private static final class InstrumentedFileSystem extends FilterFileSystem {
        final AtomicBoolean broken = new AtomicBoolean();
        final AtomicInteger hflushes = new AtomicInteger();

        InstrumentedFileSystem(FileSystem fs) {
            super(fs);
        }

        @Override
        public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
                short replication, long blockSize, Progressable progress) throws IOException {
            FSDataOutputStream out = fs.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
            return new FSDataOutputStream(new Instrumented(out), null);
        }

        private final class Instrumented extends OutputStream implements Syncable {
            private final FSDataOutputStream out;

            Instrumented(FSDataOutputStream out) {
                this.out = out;
            }

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (broken.get()) {
                    throw new IOException("disk on fire");
                }
                out.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }

            @Override
            public void hflush() throws IOException {
                hflushes.incrementAndGet();
                out.hflush();
            }

            @Override
            public void hsync() throws IOException {
                out.hsync();
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        }
    }

    @Test
    void secretsInTheApplicationsConfigurationAreRedacted() {
        Path file;
        try (EventLogWriter writer = EventLogWriter.open(fs, dir, APP, 1)) {
            file = writer.file();
            writer.onEvent(new SchedulerEvent.ApplicationStarted(1, APP, 1, "wc", "alice", Map.of(
                    "spindle.executor.memory", "2g", "fs.s3a.secret.key", "hunter2", "my.db.password", "pw"), Map.of()));
        }

        var started = (SchedulerEvent.ApplicationStarted) EventLogReader.read(fs, file).events().get(0);

        assertThat(started.conf()).containsExactly(
                Map.entry("fs.s3a.secret.key", dev.spindle.config.Redaction.REDACTED),
                Map.entry("my.db.password", dev.spindle.config.Redaction.REDACTED),
                Map.entry("spindle.executor.memory", "2g"));
    }

    @Test
    void aLogWrittenBeforeTheRuntimeWasRecordedReadsWithAnEmptyRuntime() throws IOException {
        // The event log's schema as it was before ApplicationStarted had its runtime map (at 1bf7ede).
        org.apache.avro.Schema before;
        try (java.io.InputStream in = EventLogTest.class.getResourceAsStream(
                "/recovery/EventLog-before-runtime.avsc")) {
            before = new org.apache.avro.Schema.Parser().parse(in);
        }
        org.apache.avro.Schema startedSchema = before.getField("body").schema().getTypes().stream()
                .filter(t -> t.getName().equals("ApplicationStarted")).findFirst().orElseThrow();
        assertThat(startedSchema.getField("runtime")).isNull();
        org.apache.avro.generic.GenericRecord started = new org.apache.avro.generic.GenericData.Record(startedSchema);
        started.put("appId", APP);
        started.put("attempt", 1);
        started.put("appName", "from before");
        started.put("user", "alice");
        started.put("conf", Map.of("spindle.master", "yarn"));
        org.apache.avro.generic.GenericRecord record = new org.apache.avro.generic.GenericData.Record(before);
        record.put("time", 7L);
        record.put("body", started);
        Path file = new Path(dir, "before.avro");
        try (var out = fs.create(file); var writer = new org.apache.avro.file.DataFileWriter<>(
                new org.apache.avro.generic.GenericDatumWriter<org.apache.avro.generic.GenericRecord>(before))) {
            writer.create(before, out);
            writer.append(record);
        }

        var read = (SchedulerEvent.ApplicationStarted) EventLogReader.read(fs, file).events().get(0);

        assertThat(read.appName()).isEqualTo("from before");
        assertThat(read.conf()).containsExactly(Map.entry("spindle.master", "yarn"));
        assertThat(read.runtime()).isEmpty();
    }

    /** One of each listener event type, with nullable fields both set and unset; index 7 has metrics(100). */
    private static List<SchedulerEvent> allEvents() {
        TaskFailure exception = new TaskFailure(TaskFailure.Reason.EXCEPTION, "java.lang.IllegalStateException",
                "bad row 7", "java.lang.IllegalStateException: bad row 7\n\tat Job.map(Job.java:12)\n", null,
                metrics(7));
        TaskFailure fetch = new TaskFailure(TaskFailure.Reason.FETCH_FAILED, "FetchFailed", "no map output", "",
                new TaskFailure.FetchFailure(2, 5, "host-b:7337"), null);
        return List.of(
                new SchedulerEvent.ApplicationStarted(1000, APP, 2, "word count", "alice",
                        Map.of("spindle.master", "yarn", "spindle.executor.memory", "2g"),
                        Map.of("javaVersion", "17.0.15+6 (Debian)", "hadoopVersion", "3.4.1")),
                new SchedulerEvent.ExecutorAdded(1001, EXEC, "host-a", 4, 3L << 30,
                        Map.of("stdout", "http://nm-a:8042/node/containerlogs/c_1/alice/stdout")),
                new SchedulerEvent.JobStarted(1002, 0, "count at WordCount.java:41", List.of(0, 1)),
                new SchedulerEvent.JobStarted(1003, 1, null, List.of()),
                new SchedulerEvent.StageSubmitted(1004, 1, 2, "map at WordCount.java:38", 12, 0),
                new SchedulerEvent.TaskStarted(1005, 1, 2, 42L, 11, 3, EXEC, "host-a", "NODE_LOCAL"),
                new SchedulerEvent.TaskEnded(1006, 1, 2, 42L, 11, 3, EXEC, null, null),
                new SchedulerEvent.TaskEnded(1007, 1, 2, 43L, 10, 0, EXEC, metrics(100), null),
                new SchedulerEvent.TaskEnded(1008, 1, 2, 44L, 9, 1, EXEC, metrics(200), exception),
                new SchedulerEvent.TaskEnded(1009, 1, 2, 45L, 8, 2, new ExecutorId("driver"), null, fetch),
                new SchedulerEvent.StageCompleted(1010, 1, 2, "map at WordCount.java:38", "fetch failure: x"),
                new SchedulerEvent.StageCompleted(1011, 1, 3, "map at WordCount.java:38", null),
                new SchedulerEvent.BlockUpdated(1012, EXEC, 6, 3, 4096, 0, "map at WordCount.java:40", 12),
                new SchedulerEvent.BlockUpdated(1013, EXEC, 6, 3, 0, 0),
                new SchedulerEvent.JobFinished(1014, 0, true, null),
                new SchedulerEvent.JobFinished(1015, 1, false, "stage 1 failed 4 times"),
                new SchedulerEvent.ExecutorRemoved(1016, EXEC, "container exited with code 137"),
                new SchedulerEvent.ExecutorRemoved(1017, new ExecutorId("4"), null),
                new SchedulerEvent.ApplicationEnded(1018, "FAILED", "job 1 failed"));
    }

    private static List<RecoveryRecord> allRecords() {
        return List.of(
                new RecoveryRecord.ShuffleRegistered(3, "shuffle-fp", 12),
                new RecoveryRecord.MapOutputRegistered(3, "2.1", "node7", 40123, 5, (1L << 40) + 9,
                        new long[] {0, 17, 1L << 33}),
                new RecoveryRecord.CacheRegistered(8, "count-fp"),
                RecoveryRecord.ActionCompleted.logged(0, "count-fp", "count at WordCount.java:41", new byte[] {1, 2, 3}),
                RecoveryRecord.ActionCompleted.notLogged(1, "collect-fp", "collect at WordCount.java:44", 99L << 20,
                        "99m is above spindle.recovery.maxResultBytes=64m"),
                new RecoveryRecord.OutputStarted(2, "save-fp", "hdfs:///user/alice/out"),
                new RecoveryRecord.OutputCommitted(2, "save-fp", "hdfs:///user/alice/out"),
                new RecoveryRecord.CheckpointWritten(3, "ckpt-fp", 17, "hdfs:///ckpt/app", 8));
    }

    /** Metrics whose every counter is distinct, so that a swapped counter shows. */
    private static TaskMetrics metrics(long base) {
        TaskMetrics metrics = new TaskMetrics();
        metrics.addRecordsRead(base + 1);
        metrics.addBytesRead(base + 2);
        metrics.addRecordsWritten(base + 3);
        metrics.addBytesWritten(base + 4);
        metrics.addShuffleRecordsRead(base + 5);
        metrics.addShuffleBytesRead(base + 6);
        metrics.addShuffleRecordsWritten(base + 7);
        metrics.addShuffleBytesWritten(base + 8);
        metrics.addSpilledBytes(base + 9);
        metrics.setGcTimeMillis(base + 10);
        metrics.setDurationMillis(base + 11);
        metrics.setResultBytes(base + 12);
        return metrics;
    }
}
