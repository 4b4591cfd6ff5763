package dev.spindle.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.FileSplit;
import org.apache.hadoop.mapred.LineRecordReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The split reader against Hadoop's LineRecordReader, which defines how text files split into lines. */
class SplitLineReaderTest {
    private static final Configuration HADOOP = new Configuration();

    @TempDir
    Path dir;

    @Test
    void readsEveryLineOnceWhereverTheSplitsFallLikeHadoop() throws IOException {
        // Line ends of every kind next to each other and to split boundaries, empty lines, multi-byte characters,
        // tabs (control characters that are no line end), files with and without a final line end.
        // A byte order mark: dropped at the start of a file (the first line still starts at byte 0), kept elsewhere.
        String[] pieces = {"a", "bc", "\u00e9", "\u65e5", "\t", "\n", "\r", "\r\n", "\n\n", "\r\r", "", "xyz",
                "\ufeff"};
        Random random = new Random(42);
        for (int file = 0; file < 120; file++) {
            StringBuilder text = new StringBuilder(file % 4 == 0 ? "\ufeff" : "");
            int count = random.nextInt(40);
            for (int i = 0; i < count; i++) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            Path path = dir.resolve("f" + file + ".txt");
            Files.write(path, bytes);
            for (int splitSize : new int[] {1, 2, 3, 5, 8, 13, Math.max(1, bytes.length)}) {
                int bufferSize = new int[] {1, 2, 3, 7, 64, 4096}[random.nextInt(6)];
                List<String> ours = new ArrayList<>();
                List<String> hadoop = new ArrayList<>();
                for (long start = 0; start < Math.max(1, bytes.length); start += splitSize) {
                    long length = Math.min(splitSize, bytes.length - start);
                    ours.addAll(ours(path, start, length, bufferSize));
                    hadoop.addAll(hadoop(path, start, length));
                }
                assertThat(ours).as("file %s (%s), splits of %d bytes, buffer %d", path.getFileName(),
                        text.toString().replace("\r", "\\r").replace("\n", "\\n"), splitSize, bufferSize)
                        .isEqualTo(hadoop);
            }
        }
    }

    @Test
    void aLineLongerThanTheBufferGrowsItAndTheSplitEndsAfterIt() throws IOException {
        String longLine = "w".repeat(100_000);
        Path path = dir.resolve("long.txt");
        Files.writeString(path, "first\n" + longLine + "\r\nlast");
        assertThat(ours(path, 0, 7, 16)).containsExactly("first", longLine);
        assertThat(ours(path, 7, 100_010 - 7, 16)).containsExactly("last");
        assertThat(ours(path, 0, 100_012, 1 << 20)).containsExactly("first", longLine, "last");
    }

    @Test
    void malformedUtf8BecomesReplacementCharactersAsBefore() throws IOException {
        Path path = dir.resolve("bad.txt");
        Files.write(path, new byte[] {'o', 'k', '\n', (byte) 0xC3, '\n', (byte) 0xFF, 'x'});
        assertThat(ours(path, 0, 7, 4)).containsExactly("ok", "\ufffd", "\ufffdx").isEqualTo(hadoop(path, 0, 7));
    }

    @Test
    void thePositionIsWhereTheNextLineStarts() throws IOException {
        Path path = dir.resolve("pos.txt");
        Files.writeString(path, "ab\r\ncd\ref\n");
        try (SplitLineReader reader = new SplitLineReader(Files.newInputStream(path), 0, 10, 3, "pos.txt")) {
            assertThat(reader.next()).isEqualTo("ab");
            assertThat(reader.position()).isEqualTo(4);
            assertThat(reader.next()).isEqualTo("cd");
            assertThat(reader.position()).isEqualTo(7);
            assertThat(reader.next()).isEqualTo("ef");
            assertThat(reader.position()).isEqualTo(10);
            assertThat(reader.next()).isNull();
            assertThat(reader.next()).isNull();
        }
    }

    private static List<String> ours(Path path, long start, long length, int bufferSize) throws IOException {
        InputStream in = Files.newInputStream(path);
        in.skipNBytes(start);
        List<String> lines = new ArrayList<>();
        try (SplitLineReader reader = new SplitLineReader(in, start, start + length, bufferSize, path.toString())) {
            for (String line = reader.next(); line != null; line = reader.next()) {
                lines.add(line);
            }
        }
        return lines;
    }

    private static List<String> hadoop(Path path, long start, long length) throws IOException {
        LineRecordReader reader = new LineRecordReader(HADOOP,
                new FileSplit(new org.apache.hadoop.fs.Path(path.toUri()), start, length, (String[]) null));
        LongWritable key = reader.createKey();
        Text value = reader.createValue();
        List<String> lines = new ArrayList<>();
        try {
            while (reader.next(key, value)) {
                lines.add(new String(value.getBytes(), 0, value.getLength(), StandardCharsets.UTF_8));
            }
        } finally {
            reader.close();
        }
        return lines;
    }

    @Test
    void aLineOverTheLimitFailsNamingTheFileTheOffsetAndTheSetting() throws IOException {
        Path path = dir.resolve("long.txt");
        Files.writeString(path, "short\n" + "x".repeat(31) + "\n" + "y".repeat(100) + "\nend\n");
        try (SplitLineReader reader = new SplitLineReader(Files.newInputStream(path), 0, Files.size(path), 8, 32,
                "long.txt")) {
            assertThat(reader.next()).isEqualTo("short");
            assertThat(reader.next()).isEqualTo("x".repeat(31)); // 31 bytes and its line end: at the limit
            assertThatThrownBy(reader::next).isInstanceOf(dev.spindle.common.SpindleException.class)
                    .hasMessageContaining("long.txt has a line of more than 32 bytes starting at byte 38")
                    .hasMessageContaining("spindle.files.maxLineLength=32");
        }
    }
}
