package dev.spindle.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.Pair;
import dev.spindle.common.SpindleException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DefaultRecordSerializerTest {
    private static final ClassLoader LOADER = DefaultRecordSerializerTest.class.getClassLoader();

    private final DefaultRecordSerializer serializer = new DefaultRecordSerializer();

    record Point(int x, int y) implements Serializable {
    }

    /** Serializable, but holds something that is not. */
    record Holder(String label, Object payload) implements Serializable {
    }

    static final class Opaque {
    }

    static String hugeString() {
        StringBuilder s = new StringBuilder();
        Random random = new Random(42);
        while (s.length() < 300_000) {
            switch (random.nextInt(4)) {
                case 0 -> s.append((char) ('a' + random.nextInt(26)));
                case 1 -> s.append('\u00e9');
                case 2 -> s.append('\u4e2d');
                default -> s.appendCodePoint(0x1F600 + random.nextInt(50));
            }
        }
        return s.toString();
    }

    static Stream<Object> values() {
        return Stream.of(
                null, "", "hello", "x".repeat(70_000), hugeString(), "caf\u00e9 \u4e2d\u6587 \uD83D\uDE00 \uD834\uDD1E",
                "lone \uD800 surrogate \uDC00", "nul \u0000 char", "\u07ff\u0800\uffff",
                0, 1, -1, 63, 64, -65, Integer.MAX_VALUE, Integer.MIN_VALUE,
                0L, -1L, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE,
                0.0, -0.0, 3.25, Double.NaN, Double.NEGATIVE_INFINITY, Double.MIN_VALUE,
                1.5f, Float.NaN, -0.0f, (short) -12345, Short.MAX_VALUE, (byte) -128, (byte) 127,
                'a', '\uffff', '\u00e9', true, false,
                Pair.of("k", 1), Pair.of(null, null), Pair.of(null, "v"), Pair.of("k", null),
                Pair.of(Pair.of(1L, "a"), Pair.of(List.of(1, 2), Pair.of(true, 'c'))),
                List.of(), List.of("a", 1, 2L, List.of(List.of(), Pair.of("x", 3.0))),
                new ArrayList<>(Arrays.asList(null, "b", null)),
                new Point(3, -4), new TreeSet<>(List.of("b", "a")), Map.of("k", List.of(1)));
    }

    @ParameterizedTest
    @MethodSource("values")
    void roundTripsThroughBytes(Object value) {
        Object back = serializer.fromBytes(serializer.toBytes(value), LOADER);
        assertThat(back).isEqualTo(value);
        if (value instanceof List) {
            assertThat(back).isInstanceOf(ArrayList.class);
        } else if (value != null) {
            assertThat(back).hasSameClassAs(value);
        }
    }

    @Test
    void offersCursorsSoThatSortingShufflesKeepRecordsSerialized() {
        assertThat(serializer.hasCursors()).isTrue();
        assertThat(serializer.newCursor(LOADER)).isNotNull();
    }

    @Test
    void roundTripsByteArraysAndNestedByteArrays() {
        byte[] big = new byte[200_000];
        new Random(1).nextBytes(big);
        for (byte[] bytes : List.of(new byte[0], new byte[] {1, -2, 3}, big)) {
            assertThat((byte[]) serializer.fromBytes(serializer.toBytes(bytes), LOADER)).isEqualTo(bytes);
        }
        @SuppressWarnings("unchecked")
        Pair<String, byte[]> pair = (Pair<String, byte[]>) serializer.fromBytes(
                serializer.toBytes(Pair.of("k", new byte[] {9, 8})), LOADER);
        assertThat(pair.key()).isEqualTo("k");
        assertThat(pair.value()).containsExactly(9, 8);
    }

    @Test
    void roundTripsABatchSizedToItsRecords() {
        List<Object> records = values().toList();
        byte[] bytes = serializer.toBytesAll(records);
        assertThat(serializer.fromBytesAll(bytes, LOADER)).containsExactlyElementsOf(records);
        assertThat(serializer.toBytesAll(List.of(1, 2, 3))).hasSizeLessThan(16);
        assertThat(serializer.fromBytesAll(serializer.toBytesAll(List.of()), LOADER)).isEmpty();
        assertThatThrownBy(() -> serializer.fromBytesAll(Arrays.copyOf(bytes, bytes.length - 1), LOADER))
                .hasMessageContaining("Cannot deserialize records from");
    }

    @Test
    void readsAnyListBackAsArrayList() {
        LinkedList<Object> linked = new LinkedList<>(List.of("a", 1));
        Object back = serializer.fromBytes(serializer.toBytes(linked), LOADER);
        assertThat(back).isInstanceOf(ArrayList.class).isEqualTo(List.of("a", 1));
    }

    @Test
    void writesAndReadsManyRecordsInOneStreamThroughTinyReads() throws IOException {
        List<Object> records = values().toList();
        List<Object> written = new ArrayList<>();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (RecordOutput out = serializer.newOutput(bytes)) {
            for (int round = 0; round < 3; round++) {
                for (Object record : records) {
                    out.write(record);
                    written.add(record);
                }
                for (int i = 0; i < 20_000; i++) {
                    Pair<String, Integer> pair = Pair.of("word" + i, i);
                    out.write(pair);
                    written.add(pair);
                }
            }
        }
        // A stream that hands out at most 7 bytes per read exercises every refill boundary.
        List<Object> read = readAll(new TrickleInputStream(new ByteArrayInputStream(bytes.toByteArray()), 7));
        assertThat(read).hasSize(written.size());
        for (int i = 0; i < written.size(); i++) {
            assertThat(read.get(i)).as("record %d", i).isEqualTo(written.get(i));
        }
    }

    @Test
    void buffersAnUnbufferedStream() throws IOException {
        CountingOutputStream target = new CountingOutputStream();
        try (RecordOutput out = serializer.newOutput(target)) {
            for (int i = 0; i < 50_000; i++) {
                out.write(Pair.of("key" + i, i));
            }
        }
        assertThat(target.bytes).isGreaterThan(500_000);
        assertThat(target.writeCalls).isLessThan(target.bytes / 30_000 + 3);
        assertThat(target.closed).isTrue();
    }

    @Test
    void returnsEndAtTheCleanEndOfTheStreamAndKeepsReturningIt() throws IOException {
        RecordInput empty = serializer.newInput(new ByteArrayInputStream(new byte[0]), LOADER);
        assertThat(empty.read()).isSameAs(RecordInput.END);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (RecordOutput out = serializer.newOutput(bytes)) {
            out.write("a");
            out.write(null);
        }
        try (RecordInput in = serializer.newInput(new ByteArrayInputStream(bytes.toByteArray()), LOADER)) {
            assertThat(in.read()).isEqualTo("a");
            assertThat(in.read()).isNull();
            assertThat(in.read()).isSameAs(RecordInput.END);
            assertThat(in.read()).isSameAs(RecordInput.END);
        }
    }

    @Test
    void everyCutInsideARecordIsATruncationAndEveryCutBetweenRecordsIsAnEnd() throws IOException {
        List<Object> records = List.of("hello", Pair.of("k", List.of(1, 2L)), 300, 2.5, new byte[] {1, 2, 3},
                "\u4e2d\uD83D\uDE00", AvroRecords.user("ann", 31), AvroRecords.user("bob", 40), new Point(1, 2),
                AvroRecords.generic("x", 1L), AvroRecords.generic("y", 2L), true);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<Integer> boundaries = new ArrayList<>(List.of(0));
        try (RecordOutput out = serializer.newOutput(bytes)) {
            for (Object record : records) {
                out.write(record);
                out.flush();
                boundaries.add(bytes.size());
            }
        }
        byte[] all = bytes.toByteArray();
        for (int cut = 0; cut <= all.length; cut++) {
            byte[] prefix = Arrays.copyOf(all, cut);
            int complete = boundaries.indexOf(cut);
            if (complete >= 0) {
                assertThat(readAll(new ByteArrayInputStream(prefix))).as("cut at %d", cut).hasSize(complete);
            } else {
                int at = cut;
                int index = (int) boundaries.stream().filter(b -> b < at).count() - 1;
                assertThatThrownBy(() -> readAll(new ByteArrayInputStream(prefix)))
                        .as("cut at %d", cut)
                        .isInstanceOf(EOFException.class)
                        .hasMessageContaining("Record stream truncated")
                        .hasMessageContaining("record #" + index);
            }
        }
    }

    @Test
    void roundTripsAvroSpecificRecordsWritingTheClassNameOncePerStream() throws IOException {
        List<Object> records = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            records.add(new AvroUser("user" + i, i, i % 2 == 0 ? null : "u" + i + "@example.com"));
        }
        byte[] bytes = writeAll(records);
        assertThat(occurrences(bytes, AvroUser.class.getName())).isEqualTo(1);
        List<Object> back = readAll(new ByteArrayInputStream(bytes));
        assertThat(back).isEqualTo(records);
        assertThat(back.get(1)).isInstanceOf(AvroUser.class);
        assertThat(((AvroUser) back.get(1)).email()).isEqualTo("u1@example.com");
    }

    @Test
    void roundTripsAvroGenericRecordsOfSeveralSchemasWritingEachSchemaOncePerStream() throws IOException {
        List<Object> records = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            records.add(AvroRecords.generic("event" + i, i * 1000L));
            records.add(AvroRecords.metric("m" + i, i / 2.0));
            records.add(Pair.of(i, AvroRecords.generic("nested", -i)));
        }
        byte[] bytes = writeAll(records);
        assertThat(occurrences(bytes, "\"Event\"")).isEqualTo(1);
        assertThat(occurrences(bytes, "\"Metric\"")).isEqualTo(1);
        List<Object> back = readAll(new ByteArrayInputStream(bytes));
        assertThat(back).isEqualTo(records);
        org.apache.avro.generic.GenericRecord first = (org.apache.avro.generic.GenericRecord) back.get(0);
        assertThat(first.get("name")).isInstanceOf(String.class).isEqualTo("event0");
        assertThat(serializer.fromBytes(serializer.toBytes(records.get(4)), LOADER)).isEqualTo(records.get(4));
    }

    @Test
    void fallsBackToJavaSerializationForOtherSerializables() {
        Map<String, Object> map = new HashMap<>(Map.of("a", new Point(1, 2), "b", List.of("x")));
        Holder holder = new Holder("h", map);
        assertThat(serializer.fromBytes(serializer.toBytes(holder), LOADER)).isEqualTo(holder);
        assertThat(serializer.fromBytes(serializer.toBytes(Pair.of(new Point(5, 6), holder)), LOADER))
                .isEqualTo(Pair.of(new Point(5, 6), holder));
    }

    @Test
    void rejectsANonSerializableRecordNamingItsClassAndTheFix() {
        assertThatThrownBy(() -> serializer.toBytes(new Opaque()))
                .isInstanceOfSatisfying(SpindleException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.USER_CODE_FAILED))
                .hasMessageContaining(Opaque.class.getName())
                .hasMessageContaining("does not implement java.io.Serializable")
                .hasMessageContaining("make " + Opaque.class.getName())
                .hasMessageContaining("map it to a serializable type")
                .hasMessageContaining("before the shuffle, cache or collect");

        assertThatThrownBy(() -> serializer.toBytes(Pair.of("key", new Opaque())))
                .isInstanceOf(SpindleException.class)
                .hasMessageContaining(Opaque.class.getName());
    }

    @Test
    void rejectsASerializableRecordHoldingANonSerializableValueWithThePath() {
        Holder holder = new Holder("h", new Opaque());
        assertThatThrownBy(() -> serializer.toBytes(holder))
                .isInstanceOfSatisfying(SpindleException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.USER_CODE_FAILED))
                .hasMessageContaining("record of class " + Holder.class.getName())
                .hasMessageContaining("field Holder.payload (a " + Opaque.class.getName()
                        + ", which is not java.io.Serializable)");
    }

    @Test
    void fromBytesRejectsTrailingBytesAndEmptyInput() {
        byte[] one = serializer.toBytes("a");
        byte[] two = Arrays.copyOf(one, one.length * 2);
        System.arraycopy(one, 0, two, one.length, one.length);
        assertThatThrownBy(() -> serializer.fromBytes(two, LOADER)).isInstanceOf(SpindleException.class)
                .hasMessageContaining("bytes follow it");
        assertThatThrownBy(() -> serializer.fromBytes(new byte[0], LOADER)).isInstanceOf(SpindleException.class)
                .hasMessageContaining("0 bytes");
        assertThatThrownBy(() -> serializer.fromBytes(new byte[] {99}, LOADER)).isInstanceOf(SpindleException.class)
                .hasMessageContaining("unknown type tag 99");
    }

    @Test
    void refusesToWriteAfterClose() throws IOException {
        RecordOutput out = serializer.newOutput(new ByteArrayOutputStream());
        out.close();
        assertThatThrownBy(() -> out.write("x")).isInstanceOf(IOException.class).hasMessageContaining("closed");
    }

    private byte[] writeAll(List<Object> records) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (RecordOutput out = serializer.newOutput(bytes)) {
            for (Object record : records) {
                out.write(record);
            }
        }
        return bytes.toByteArray();
    }

    private List<Object> readAll(InputStream stream) throws IOException {
        List<Object> records = new ArrayList<>();
        try (RecordInput in = serializer.newInput(stream, LOADER)) {
            for (Object record = in.read(); record != RecordInput.END; record = in.read()) {
                records.add(record);
            }
        }
        return records;
    }

    private static int occurrences(byte[] haystack, String needle) {
        String text = new String(haystack, java.nio.charset.StandardCharsets.ISO_8859_1);
        int count = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            count++;
        }
        return count;
    }

    /** Returns at most {@code chunk} bytes per read, as a slow socket would. */
    private static final class TrickleInputStream extends FilterInputStream {
        private final int chunk;

        TrickleInputStream(InputStream in, int chunk) {
            super(in);
            this.chunk = chunk;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, chunk));
        }
    }

    private static final class CountingOutputStream extends OutputStream {
        long bytes;
        long writeCalls;
        boolean closed;

        @Override
        public void write(int b) {
            bytes++;
            writeCalls++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
            writeCalls++;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
