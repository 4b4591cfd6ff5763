package dev.spindle.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.SpindleException;
import dev.spindle.config.SpindleConf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A damaged compressed input file fails its job with an error that names the file and what to do. */
@Timeout(120)
class CorruptInputTest {
    private static final int LINES = 20_000;
    private static Context ctx;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        ctx = new Context(SpindleConf.empty().with("spindle.master", "local[2]"));
    }

    @AfterAll
    static void stop() {
        ctx.close();
    }

    /** Ways a .gz file goes bad. */
    enum Damage {
        /** Cut off half-way, as by an interrupted copy. */
        TRUNCATED {
            @Override
            byte[] apply(byte[] gzip) {
                return Arrays.copyOf(gzip, gzip.length / 2);
            }
        },
        /** 64 bytes in the middle of the compressed data overwritten. */
        CORRUPTED {
            @Override
            byte[] apply(byte[] gzip) {
                byte[] bad = gzip.clone();
                for (int i = bad.length / 2; i < bad.length / 2 + 64; i++) {
                    bad[i] ^= 0x5a;
                }
                return bad;
            }
        },
        /** The checksum in the trailer does not match the data. */
        BAD_CHECKSUM {
            @Override
            byte[] apply(byte[] gzip) {
                byte[] bad = gzip.clone();
                bad[bad.length - 8] ^= 1;
                return bad;
            }
        },
        /** Plain text under a .gz name. */
        NOT_GZIP {
            @Override
            byte[] apply(byte[] gzip) {
                return "plain text, not gzip\n".getBytes(StandardCharsets.UTF_8);
            }
        };

        abstract byte[] apply(byte[] gzip);
    }

    private static byte[] gzip() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Random random = new Random(7);
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            for (int i = 0; i < LINES; i++) {
                out.write((i + " " + Long.toHexString(random.nextLong()) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toByteArray();
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void aDamagedGzipFileFailsTheJobNamingTheFile(Damage damage) throws IOException {
        Path input = Files.createDirectories(dir.resolve("input"));
        byte[] good = gzip();
        Files.write(input.resolve("good.txt.gz"), good);
        Path bad = Files.write(input.resolve("bad.txt.gz"), damage.apply(good));

        assertThatThrownBy(() -> ctx.textFile(input.toString()).count())
                .isInstanceOf(SpindleException.class)
                .hasMessageContaining("on executor driver: dev.spindle.common.SpindleException: corrupt input file:"
                        + bad + ": not valid .gz data (GzipCodec could not decompress it after ")
                .hasMessageContaining("the file is corrupt or truncated: replace it, or leave it out of the input")
                .hasMessageNotContaining("good.txt.gz")
                .as("no stack trace in the message").hasMessageNotContaining("\tat ")
                .cause().isInstanceOfSatisfying(SpindleException.class, cause -> {
                    assertThat(cause.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(cause.getMessage()).startsWith("corrupt input file:" + bad + ": not valid .gz data");
                });
    }

    @Test
    void theIntactPartOfATruncatedFileIsCountedInTheMessage() throws IOException {
        byte[] good = gzip();
        Path bad = Files.write(dir.resolve("half.txt.gz"), Damage.TRUNCATED.apply(good));
        assertThatThrownBy(() -> ctx.textFile(bad.toString()).count())
                .hasMessageContaining("half.txt.gz")
                .hasMessageMatching("(?s).*could not decompress it after [1-9][0-9]* lines: java.io.EOFException: "
                        + "Unexpected end of input stream\\).*");
    }
}
