package dev.spindle.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.GzipCodec;
import org.apache.hadoop.util.ReflectionUtils;
import org.junit.jupiter.api.Test;

/** Only a decompressor's failure is called corrupt input; the file system's own failures stay what they are. */
class CorruptCompressedInputTest {
    private static final Path FILE = new Path("hdfs://nn/in/part.gz");
    private final GzipCodec codec = ReflectionUtils.newInstance(GzipCodec.class, new Configuration());

    private IOException truncatedGzipFailure() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(new byte[100_000]);
        }
        byte[] half = Arrays.copyOf(bytes.toByteArray(), bytes.size() / 2);
        try (InputStream in = codec.createInputStream(new ByteArrayInputStream(half))) {
            in.readAllBytes();
        } catch (IOException e) {
            return e;
        }
        throw new AssertionError("a truncated gzip stream read to its end");
    }

    @Test
    void aDecompressorFailureIsCorruptInputNamingTheFileAndTheLinesRead() throws IOException {
        IOException failure = truncatedGzipFailure();
        IOException result = CorruptCompressedInput.ifDecompressorFailed(failure, FILE, codec, 1);
        assertThat(result).isInstanceOf(CorruptCompressedInput.class).hasCause(failure)
                .hasMessage("corrupt input hdfs://nn/in/part.gz: not valid .gz data (GzipCodec could not decompress "
                        + "it after 1 line: " + failure + "); the file is corrupt or truncated: replace it, or leave "
                        + "it out of the input");
    }

    @Test
    void theFileSystemsOwnFailuresAreNotCalledCorrupt() {
        IOException lostBlock = new IOException("Could not obtain block: BP-1:blk_1073741825");
        assertThat(CorruptCompressedInput.ifDecompressorFailed(lostBlock, FILE, codec, 5)).isSameAs(lostBlock);
        IllegalStateException bug = new IllegalStateException("a bug");
        assertThatThrownBy(() -> CorruptCompressedInput.ifDecompressorFailed(bug, FILE, codec, 5)).isSameAs(bug);
    }

    @Test
    void withoutACodecNothingIsCalledCorrupt() throws IOException {
        IOException failure = truncatedGzipFailure();
        assertThat(CorruptCompressedInput.ifDecompressorFailed(failure, FILE, null, 0)).isSameAs(failure);
    }
}
