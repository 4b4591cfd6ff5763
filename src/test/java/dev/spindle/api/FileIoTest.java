package dev.spindle.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.config.SpindleConf;
import dev.spindle.serde.AvroUser;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.compress.BZip2Codec;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.util.ReflectionUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Text and Avro input splits, compressed input, and the output commit protocol on the local file system. */
@Timeout(120)
class FileIoTest {
    private static final AtomicInteger ATTEMPTS = new AtomicInteger();
    private static final AtomicInteger CALLS = new AtomicInteger();
    private static Context ctx;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        // Small partitions so that files of a few hundred KB split into many of them.
        // Four attempts per task: the commit protocol is tested with retried tasks.
        ctx = new Context(SpindleConf.empty().with("spindle.master", "local[2,4]")
                .with("spindle.files.maxPartitionBytes", "64k"));
    }

    @AfterAll
    static void stop() {
        ctx.close();
    }

    @AfterEach
    void schedulerIsIdle() {
        // A failed job\'s other tasks may still be ending: the scheduler must come back to idle.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> ctx.activeSchedulerState() == 0);
    }

    /** Lines of varied length (some empty, some long) so that split boundaries fall everywhere. */
    private static List<String> lines(int n) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add(i % 17 == 0 ? "" : "line " + i + " " + "x".repeat((i * 31) % 200));
        }
        return lines;
    }

    /** Lines that compress poorly (pseudo-random hex), so that compressed files still span several splits. */
    private static List<String> randomLines(int n) {
        java.util.Random random = new java.util.Random(42);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add(i + " " + Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()));
        }
        return lines;
    }

    private static Path write(Path file, List<String> lines) throws IOException {
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void aTextFileSplitsIntoManyPartitionsAndEveryLineIsReadExactlyOnce() throws IOException {
        List<String> expected = lines(6000);
        Path file = write(dir.resolve("in.txt"), expected);
        Dataset<String> text = ctx.textFile(file.toString());
        assertThat(Files.size(file)).isGreaterThan(8 * 64 * 1024);
        assertThat(text.getNumPartitions()).isGreaterThanOrEqualTo(8);
        assertThat(text.collect()).containsExactlyElementsOf(expected);
        assertThat(text.count()).isEqualTo(6000);
    }

    @Test
    void windowsLineEndsAndAMissingFinalNewlineAreHandled() throws IOException {
        Path file = dir.resolve("crlf.txt");
        Files.writeString(file, "a\r\nb\r\n\r\nc");
        assertThat(ctx.textFile(file.toString()).collect()).containsExactly("a", "b", "", "c");
    }

    @Test
    void aByteOrderMarkAtTheStartOfAFileIsDropped() throws IOException {
        Path file = dir.resolve("bom.csv");
        Files.writeString(file, "\ufeffid,name\n1,\ufeffx\n");
        assertThat(ctx.textFile(file.toString()).collect()).containsExactly("id,name", "1,\ufeffx");
    }

    @Test
    void aCustomRecordDelimiterSplitsRecordsInPlainAndCompressedFiles() throws IOException {
        List<String> records = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            records.add("record " + i + (i % 3 == 0 ? "\nwith a line break" : ""));
        }
        Path plain = dir.resolve("records.txt");
        Files.writeString(plain, String.join("||", records));
        Path gzip = dir.resolve("records.txt.gz");
        try (java.io.OutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gzip))) {
            out.write(String.join("||", records).getBytes(StandardCharsets.UTF_8));
        }
        try (Context custom = new Context(SpindleConf.empty().with("spindle.master", "local[2]")
                .with("spindle.files.maxPartitionBytes", "64k")
                .with("spindle.hadoop.textinputformat.record.delimiter", "||"))) {
            Dataset<String> text = custom.textFile(plain.toString());
            assertThat(text.getNumPartitions()).isGreaterThan(2);
            assertThat(text.collect()).containsExactlyElementsOf(records);
            assertThat(custom.textFile(gzip.toString()).collect()).containsExactlyElementsOf(records);
        }
    }

    @Test
    void directoriesGlobsAndCommaListsSkipHiddenFiles() throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        write(in.resolve("part-00000"), List.of("a", "b"));
        write(in.resolve("part-00001"), List.of("c"));
        write(in.resolve("_SUCCESS"), List.of("not data"));
        write(in.resolve(".part-00000.crc"), List.of("not data"));
        Path other = write(dir.resolve("other.txt"), List.of("d"));
        assertThat(ctx.textFile(in.toString()).collect()).containsExactly("a", "b", "c");
        assertThat(ctx.textFile(in + "/part-*").collect()).containsExactly("a", "b", "c");
        assertThat(ctx.textFile(in + "," + other).collect()).containsExactly("a", "b", "c", "d");
    }

    @Test
    void aMissingInputFailsAtTheCallWithThePath() {
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> ctx.textFile(missing.toString()).count())
                .hasMessageContaining(missing.getFileName().toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void gzipInputIsOnePartitionAndBzip2InputSplits() throws IOException {
        List<String> expected = randomLines(20_000);
        Path gz = dir.resolve("in.txt.gz");
        try (Writer out = new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(gz)),
                StandardCharsets.UTF_8)) {
            for (String line : expected) {
                out.write(line + "\n");
            }
        }
        Dataset<String> gzText = ctx.textFile(gz.toString());
        assertThat(gzText.getNumPartitions()).as("gzip cannot be split").isEqualTo(1);
        assertThat(gzText.collect()).containsExactlyElementsOf(expected);

        Path bz = dir.resolve("in.txt.bz2");
        CompressionCodec bzip2 = ReflectionUtils.newInstance(BZip2Codec.class, new Configuration());
        try (Writer out = new OutputStreamWriter(bzip2.createOutputStream(Files.newOutputStream(bz)),
                StandardCharsets.UTF_8)) {
            for (String line : expected) {
                out.write(line + "\n");
            }
        }
        Dataset<String> bzText = ctx.textFile(bz.toString());
        assertThat(Files.size(bz)).isGreaterThan(2 * 64 * 1024);
        assertThat(bzText.getNumPartitions()).as("bzip2 splits at block markers").isGreaterThan(1);
        assertThat(bzText.collect()).containsExactlyElementsOf(expected);
    }

    @Test
    void saveAsTextFileWritesPartFilesInPartitionOrderAndSuccess() throws IOException {
        Path out = dir.resolve("out");
        ctx.parallelize(IntStream.range(0, 100).boxed().toList(), 4).saveAsTextFile(out.toString());
        assertThat(listNames(out)).containsExactly("_SUCCESS", "part-00000", "part-00001", "part-00002",
                "part-00003");
        assertThat(Files.readAllLines(out.resolve("part-00000"))).containsExactlyElementsOf(
                IntStream.range(0, 25).mapToObj(String::valueOf).toList());
        assertThat(ctx.textFile(out.toString()).map(Integer::parseInt).collect())
                .containsExactlyElementsOf(IntStream.range(0, 100).boxed().toList());
    }

    @Test
    void anExistingOutputIsAnErrorBeforeAnyTaskRuns() throws IOException {
        Path out = Files.createDirectories(dir.resolve("exists"));
        Files.writeString(out.resolve("keep.txt"), "precious");
        CALLS.set(0);
        assertThatThrownBy(() -> ctx.parallelize(List.of(1, 2, 3), 2).map(x -> {
            CALLS.incrementAndGet();
            return x;
        }).saveAsTextFile(out.toString()))
                .hasMessageContaining("already exists")
                .hasMessageContaining("spindle.output.overwrite=true");
        assertThat(CALLS.get()).as("no task ran").isZero();
        assertThat(Files.readString(out.resolve("keep.txt"))).isEqualTo("precious");
    }

    @Test
    void overwriteReplacesAnExistingOutput() throws IOException {
        Path out = Files.createDirectories(dir.resolve("replace"));
        Files.writeString(out.resolve("stale.txt"), "old");
        try (Context overwriting = new Context(SpindleConf.empty().with("spindle.master", "local[2]")
                .with("spindle.output.overwrite", "true"))) {
            overwriting.parallelize(List.of("new"), 1).saveAsTextFile(out.toString());
        }
        assertThat(listNames(out)).containsExactly("_SUCCESS", "part-00000");
    }

    @Test
    void aRetriedTaskLeavesNoPartialOrDuplicateOutput() throws IOException {
        Path out = dir.resolve("retried");
        ATTEMPTS.set(0);
        ctx.parallelize(IntStream.range(0, 1000).boxed().toList(), 2).mapPartitionsWithIndex((index, it) ->
                index == 1 && ATTEMPTS.getAndIncrement() == 0 ? failingAfter(300, it) : it
        ).saveAsTextFile(out.toString());
        assertThat(ATTEMPTS.get()).as("partition 1 ran twice").isEqualTo(2);
        assertThat(listNames(out)).containsExactly("_SUCCESS", "part-00000", "part-00001");
        assertThat(Files.readAllLines(out.resolve("part-00001"))).hasSize(500).startsWith("500").endsWith("999");
    }

    @Test
    void aFailedJobLeavesNoOutputDirectory() {
        Path out = dir.resolve("failed");
        assertThatThrownBy(() -> ctx.parallelize(IntStream.range(0, 10).boxed().toList(), 2).map(x -> {
            if (x == 7) {
                throw new IllegalArgumentException("bad record " + x);
            }
            return x;
        }).saveAsTextFile(out.toString())).hasMessageContaining("bad record 7");
        assertThat(out).doesNotExist();
    }

    @Test
    void compressedTextOutputReadsBack() throws IOException {
        Path out = dir.resolve("gz-out");
        ctx.parallelize(lines(3000), 3).saveAsTextFile(out.toString(), "GzipCodec");
        assertThat(listNames(out)).contains("part-00000.gz", "part-00002.gz");
        assertThat(ctx.textFile(out.toString()).collect()).containsExactlyElementsOf(lines(3000));
    }

    @Test
    void anUnknownCodecIsAClearError() {
        Path out = dir.resolve("bad-codec");
        assertThatThrownBy(() -> ctx.parallelize(List.of("a"), 1).saveAsTextFile(out.toString(), "Snappy2Codec"))
                .hasMessageContaining("Snappy2Codec is not a Hadoop compression codec");
        assertThat(out).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void avroFilesRoundTripAndSplitAtSyncMarkers(int outputPartitions) throws IOException {
        Schema schema = SchemaBuilder.record("User").namespace("test").fields()
                .requiredString("name").requiredLong("visits").endRecord();
        String schemaJson = schema.toString();
        Path out = dir.resolve("avro-" + outputPartitions);
        ctx.range(0, 50_000, 1, outputPartitions).map(i -> {
            GenericRecord user = new GenericData.Record(new Schema.Parser().parse(schemaJson));
            user.put("name", "user-" + i);
            user.put("visits", i * 3);
            return user;
        }).saveAsAvroFile(out.toString(), schema);
        assertThat(listNames(out)).contains("_SUCCESS", "part-00000.avro");
        Dataset<GenericRecord> users = ctx.avroFile(out.toString());
        assertThat(users.getNumPartitions()).as("split by the 64k partition bound").isGreaterThan(outputPartitions);
        List<Long> visits = users.map(u -> (Long) u.get("visits")).collect();
        assertThat(visits).hasSize(50_000);
        assertThat(visits.stream().mapToLong(Long::longValue).sum()).isEqualTo(3L * 49_999 * 50_000 / 2);
        assertThat(users.map(u -> u.get("name").toString()).filter(n -> n.equals("user-4242")).count())
                .isEqualTo(1);
    }

    /** Passes {@code records} through, then fails after {@code count} of them: an attempt that dies mid-write. */
    private static <T> java.util.Iterator<T> failingAfter(int count, java.util.Iterator<T> records) {
        return new java.util.Iterator<>() {
            private int emitted;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public T next() {
                if (emitted++ == count) {
                    throw new IllegalStateException("injected failure mid-partition");
                }
                return records.next();
            }
        };
    }

    @Test
    void avroSpecificRecordsRoundTrip() {
        Path out = dir.resolve("users");
        ctx.range(0, 1000, 1, 2).map(i -> new AvroUser("user-" + i, (int) (i % 90), i + "@example.com"))
                .saveAsAvroFile(out.toString(), AvroUser.SCHEMA$);
        List<AvroUser> users = ctx.avroFile(out.toString(), AvroUser.class).collect();
        assertThat(users).hasSize(1000);
        assertThat(users.get(999).name()).isEqualTo("user-999");
        assertThat(users.get(999).age()).isEqualTo(999 % 90);
    }

    private static List<String> listNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")).sorted().toList();
        }
    }

    @Test
    void aLineLongerThanTheLimitFailsTheJobNamingTheSetting() throws IOException {
        Path file = dir.resolve("one-long-line.txt");
        Files.writeString(file, "ok\n" + "z".repeat(5000) + "\n");
        try (Context limited = new Context(SpindleConf.empty().with("spindle.master", "local[1]")
                .with("spindle.files.maxLineLength", "1k"))) {
            assertThatThrownBy(() -> limited.textFile(file.toString()).count())
                    .hasMessageContaining("one-long-line.txt")
                    .hasMessageContaining("has a line of more than 1024 bytes starting at byte 3")
                    .hasMessageContaining("spindle.files.maxLineLength=1024");
        }
    }
}
