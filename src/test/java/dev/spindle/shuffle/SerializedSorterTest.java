package dev.spindle.shuffle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.Pair;
import dev.spindle.common.SpindleException;
import dev.spindle.common.TaskAttemptId;
import dev.spindle.config.SpindleConf;
import dev.spindle.plan.Accumulator;
import dev.spindle.plan.BlockCache;
import dev.spindle.plan.NaturalOrder;
import dev.spindle.plan.ShuffleInput;
import dev.spindle.plan.TaskContext;
import dev.spindle.plan.TaskMetrics;
import dev.spindle.serde.DefaultRecordSerializer;
import dev.spindle.serde.RecordOutput;
import dev.spindle.serde.RecordSerializer;
import dev.spindle.storage.MemoryManager;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SerializedSorterTest {
    private static final RecordSerializer SERIALIZER = new DefaultRecordSerializer();
    private static final Comparator<Object> NATURAL = NaturalOrder.get();

    @TempDir
    Path dir;

    private final StubContext context = new StubContext();
    /** No block store: the storage side holds nothing to evict. */
    private static final MemoryManager.StorageEvictor NOTHING_CACHED = bytes -> 0;

    private MemoryManager memory = new MemoryManager(1L << 30, 0.5, NOTHING_CACHED);
    private SerializedSorter sorter;

    @AfterEach
    void close() {
        if (sorter != null) {
            sorter.close();
        }
    }

    @Test
    void sortsStringKeysWhosePrefixesTieByTheWholeKey() throws IOException {
        List<Pair<Object, Object>> records = new ArrayList<>();
        Random random = new Random(1);
        for (int i = 0; i < 20_000; i++) {
            // Few distinct four-character prefixes, so most records are ordered by comparing keys.
            String key = "k" + random.nextInt(10) + "_" + random.nextInt(100_000) + (char) ('a' + random.nextInt(26));
            records.add(Pair.of(key, "value of " + i));
        }
        records.add(Pair.of("", "empty key"));
        records.add(Pair.of("k", "short key"));
        records.add(Pair.of("\u00e9t\u00e9", "non-ASCII key"));
        assertSortedLike(records, NATURAL, 1 << 20, 4);
    }

    @Test
    void sortsIntegerAndLongKeysIncludingNegativesAndExtremes() throws IOException {
        List<Pair<Object, Object>> ints = new ArrayList<>();
        List<Pair<Object, Object>> longs = new ArrayList<>();
        Random random = new Random(2);
        for (int i = 0; i < 10_000; i++) {
            ints.add(Pair.of(random.nextInt(), i));
            longs.add(Pair.of(random.nextLong(), (long) i));
        }
        ints.addAll(List.of(Pair.of(Integer.MIN_VALUE, -1), Pair.of(Integer.MAX_VALUE, -2), Pair.of(0, -3),
                Pair.of(-1, -4)));
        longs.addAll(List.of(Pair.of(Long.MIN_VALUE, -1L), Pair.of(Long.MAX_VALUE, -2L), Pair.of(-1L, -3L)));
        assertSortedLike(ints, NATURAL, 1 << 20, 3);
        sorter.close();
        assertSortedLike(longs, NATURAL, 1 << 20, 3);
    }

    @Test
    void sortsNullAndOtherKeysAndAnyOrderingByComparison() throws IOException {
        List<Pair<Object, Object>> records = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            records.add(Pair.of(i % 7 == 0 ? null : (double) (i * 37 % 1000), "v" + i));
        }
        assertSortedLike(records, NATURAL, 1 << 20, 2);
        sorter.close();

        List<Pair<Object, Object>> strings = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            strings.add(Pair.of("key" + (i * 7919 % 3000), i));
        }
        assertSortedLike(strings, NATURAL.reversed(), 1 << 20, 2);
    }

    @Test
    void aSpillToAFullDiskFailsNamingTheFileTheFreeSpaceAndTheSetting() throws IOException {
        memory = new MemoryManager(256 << 10, 0.5, NOTHING_CACHED);
        // Every temporary file is a link to /dev/full, whose writes fail with ENOSPC as on a full disk.
        List<Path> temporaries = new ArrayList<>();
        ShuffleFiles full = new ShuffleFiles(dir, (root, purpose) -> {
            Path file = root.resolve("tmp_" + purpose + "_" + temporaries.size());
            temporaries.add(file);
            return Files.createSymbolicLink(file, Path.of("/dev/full"));
        });
        List<Pair<Object, Object>> records = new ArrayList<>();
        for (int i = 0; i < 60_000; i++) {
            records.add(Pair.of("key-" + (i * 7919 % 60_000), "value " + i));
        }
        sorter = new SerializedSorter(NATURAL, 4 << 20, context, memory, SERIALIZER, full);
        assertThatThrownBy(() -> {
            for (int s = 0; s < 6; s++) {
                sorter.add(stream(records, s * records.size() / 6, (s + 1) * records.size() / 6));
            }
            sorter.sorted().forEachRemaining(record -> { });
        }).isInstanceOfSatisfying(SpindleException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_RESOURCES);
            assertThat(temporaries).as("spill files asked for").hasSize(1);
            assertThat(e.getMessage())
                    .startsWith("cannot write shuffle spill " + temporaries.get(0) + ": no space left on device (")
                    .containsPattern("\\(\\d+(\\.\\d)? [KMGTP]?i?B free of \\d+(\\.\\d)? [KMGTP]?i?B on \\S+ holding "
                            + java.util.regex.Pattern.quote(dir.toString()) + "\\)")
                    .contains("point spindle.local.dir at a disk with more room");
        });
    }

    @Test
    void keysOfMixedClassesFailAsTheOrderingFails() throws IOException {
        List<Pair<Object, Object>> records = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            records.add(Pair.of("s" + i, i));
        }
        records.add(Pair.of(42, "an integer among strings"));
        sorter = new SerializedSorter(NATURAL, 1 << 20, context, memory, SERIALIZER, new ShuffleFiles(dir));
        sorter.add(stream(records, 0, records.size()));
        assertThatThrownBy(() -> sorter.sorted()).isInstanceOf(ClassCastException.class);
    }

    @Test
    void recordsCrossSmallPagesAndAPageGrowsForARecordLargerThanItself() throws IOException {
        List<Pair<Object, Object>> records = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            records.add(Pair.of("key" + (i * 31 % 5000), "x".repeat(i % 300)));
        }
        records.add(Pair.of("big", "y".repeat(3 * SerializedSorter.MIN_PAGE_BYTES)));
        records.add(Pair.of("big2", new byte[SerializedSorter.MIN_PAGE_BYTES + 1]));
        // Expected bytes of 0: every page is a minimum-size one. Streams arrive in 1 to 997-byte reads.
        sorter = new SerializedSorter(NATURAL, 0, context, memory, SERIALIZER, new ShuffleFiles(dir));
        long added = 0;
        for (int s = 0; s < 5; s++) {
            int from = s * records.size() / 5;
            int to = (s + 1) * records.size() / 5;
            added += sorter.add(new TrickleStream(bytes(records.subList(from, to)), 997));
        }
        assertThat(added).isEqualTo(records.size());
        assertMatches(sorter.sorted(), sortedCopy(records, NATURAL));
    }

    @Test
    void spillsSortedRunsUnderASmallMemoryBoundAndCleansUp() throws IOException {
        memory = new MemoryManager(256 << 10, 0.5, NOTHING_CACHED);
        List<Pair<Object, Object>> records = new ArrayList<>();
        Random random = new Random(3);
        for (int i = 0; i < 60_000; i++) {
            records.add(Pair.of("key-" + random.nextInt(1_000_000), "value " + i));
        }
        assertSortedLike(records, NATURAL, 4 << 20, 6);
        assertThat(context.metrics().spilledBytes()).isPositive();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isNotEmpty();
        }
        sorter.close();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).as("spill files after close").isEmpty();
        }
        assertThat(memory.executionUsed()).isZero();
    }

    @Test
    void avroValuesDecodeWhenRecordsAreReadOutOfOrder() throws IOException {
        Schema schema = SchemaBuilder.record("Person").fields().requiredString("name").requiredInt("age").endRecord();
        Schema other = SchemaBuilder.record("Pet").fields().requiredString("species").endRecord();
        List<Pair<Object, Object>> records = new ArrayList<>();
        for (int i = 0; i < 4_000; i++) {
            GenericRecord value;
            if (i % 3 == 0) {
                value = new GenericData.Record(other);
                value.put("species", "cat " + i);
            } else {
                value = new GenericData.Record(schema);
                value.put("name", "person " + i);
                value.put("age", i);
            }
            // Descending keys: the defining records (the first of each schema) are read last.
            records.add(Pair.of(10_000 - i, value));
        }
        sorter = new SerializedSorter(NATURAL, 0, context, memory, SERIALIZER, new ShuffleFiles(dir));
        sorter.add(new TrickleStream(bytes(records), 4096));
        assertMatches(sorter.sorted(), sortedCopy(records, NATURAL));
    }

    @Test
    void aStreamEndingInsideARecordFails() throws IOException {
        byte[] bytes = bytes(List.of(Pair.of("a", "complete"), Pair.of("b", "cut short")));
        sorter = new SerializedSorter(NATURAL, bytes.length, context, memory, SERIALIZER, new ShuffleFiles(dir));
        assertThatThrownBy(() -> sorter.add(new ByteArrayInputStream(Arrays.copyOf(bytes, bytes.length - 3))))
                .isInstanceOf(EOFException.class);
    }

    @Test
    void sortsNothing() throws IOException {
        sorter = new SerializedSorter(NATURAL, 0, context, memory, SERIALIZER, new ShuffleFiles(dir));
        assertThat(sorter.add(new ByteArrayInputStream(new byte[0]))).isZero();
        assertThat(sorter.sorted()).isExhausted();
    }

    /** Adds {@code records} in {@code streams} streams, checks the sorted output against a comparison sort. */
    private void assertSortedLike(List<Pair<Object, Object>> records, Comparator<Object> ordering, long expectedBytes,
            int streams) throws IOException {
        sorter = new SerializedSorter(ordering, expectedBytes, context, memory, SERIALIZER, new ShuffleFiles(dir));
        List<Pair<Object, Object>> shuffled = new ArrayList<>(records);
        Collections.shuffle(shuffled, new Random(4));
        long added = 0;
        for (int s = 0; s < streams; s++) {
            added += sorter.add(stream(shuffled, s * shuffled.size() / streams, (s + 1) * shuffled.size() / streams));
        }
        assertThat(added).isEqualTo(records.size());
        assertMatches(sorter.sorted(), sortedCopy(records, ordering));
    }

    /** Same keys in the same order; records of equal keys may come in any order. */
    private static void assertMatches(Iterator<Pair<Object, Object>> actual, List<Pair<Object, Object>> expected) {
        List<Pair<Object, Object>> out = new ArrayList<>();
        actual.forEachRemaining(out::add);
        assertThat(out).hasSameSizeAs(expected);
        assertThat(out.stream().map(Pair::key).toList())
                .containsExactlyElementsOf(expected.stream().map(Pair::key).toList());
        assertThat(out.stream().map(SerializedSorterTest::comparable).toList())
                .containsExactlyInAnyOrderElementsOf(expected.stream().map(SerializedSorterTest::comparable).toList());
    }

    private static String comparable(Pair<Object, Object> record) {
        Object value = record.value();
        return record.key() + "=" + (value instanceof byte[] bytes ? "bytes" + bytes.length : String.valueOf(value));
    }

    private static List<Pair<Object, Object>> sortedCopy(List<Pair<Object, Object>> records,
            Comparator<Object> ordering) {
        List<Pair<Object, Object>> sorted = new ArrayList<>(records);
        sorted.sort((a, b) -> ordering.compare(a.key(), b.key()));
        return sorted;
    }

    private static InputStream stream(List<Pair<Object, Object>> records, int from, int to) throws IOException {
        return new ByteArrayInputStream(bytes(records.subList(from, to)));
    }

    /** Keys and values as the map side writes them: one record each, alternating. */
    private static byte[] bytes(List<Pair<Object, Object>> records) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (RecordOutput out = SERIALIZER.newOutput(bytes)) {
            for (Pair<Object, Object> record : records) {
                out.write(record.key());
                out.write(record.value());
            }
        }
        return bytes.toByteArray();
    }

    /** Hands out at most {@code chunk} bytes per read, fewer every other read. */
    private static final class TrickleStream extends ByteArrayInputStream {
        private final int chunk;
        private boolean shortRead;

        TrickleStream(byte[] bytes, int chunk) {
            super(bytes);
            this.chunk = chunk;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            shortRead = !shortRead;
            return super.read(b, off, Math.min(len, shortRead ? 1 + chunk / 3 : chunk));
        }
    }

    /** Only what the sorter uses: the attempt id, metrics and completion callbacks. */
    private static final class StubContext implements TaskContext {
        private final TaskMetrics metrics = new TaskMetrics();

        @Override
        public TaskAttemptId attemptId() {
            return new TaskAttemptId(7, 1, 0, 0, 0);
        }

        @Override
        public String host() {
            throw new UnsupportedOperationException();
        }

        @Override
        public SpindleConf conf() {
            throw new UnsupportedOperationException();
        }

        @Override
        public TaskMetrics metrics() {
            return metrics;
        }

        @Override
        public BlockCache blocks() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean canCommit() {
            throw new UnsupportedOperationException();
        }

        @Override
        public ShuffleInput shuffle() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Object broadcastValue(long id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void registerAccumulator(Accumulator<?, ?> accumulator) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void onCompletion(Runnable listener) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isKilled() {
            return false;
        }
    }
}
