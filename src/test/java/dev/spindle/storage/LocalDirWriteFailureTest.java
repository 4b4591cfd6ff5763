package dev.spindle.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.SpindleException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDirWriteFailureTest {
    @TempDir
    Path dir;

    /** What the JDK throws when a write to /dev/full fails: ENOSPC, as on a full disk. */
    private IOException realNoSpace() throws IOException {
        Path full = Files.createSymbolicLink(dir.resolve("full"), Path.of("/dev/full"));
        try (OutputStream out = Files.newOutputStream(full)) {
            out.write(new byte[4096]);
            out.flush();
        } catch (IOException e) {
            return e;
        } finally {
            Files.delete(full);
        }
        throw new AssertionError("a write to /dev/full succeeded");
    }

    @Test
    void aFullDiskIsAResourceErrorNamingTheFileTheFreeSpaceAndTheSetting() throws IOException {
        Path file = dir.resolve("spill-1");
        SpindleException e = LocalDirWriteFailure.of("shuffle spill", file, realNoSpace());
        assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_RESOURCES);
        assertThat(e.getMessage()).startsWith("cannot write shuffle spill " + file + ": no space left on device (")
                .containsPattern("\\(\\d+(\\.\\d)? [KMGTP]?i?B free of \\d+(\\.\\d)? [KMGTP]?i?B on ")
                .contains(" holding " + dir + ")")
                .contains("point spindle.local.dir at a disk with more room")
                .contains("yarn.nodemanager.local-dirs");
    }

    @Test
    void aFullDiskIsRecognisedInACauseOrASuppressedException() throws IOException {
        IOException noSpace = realNoSpace();
        IOException wrapped = new IOException("cannot append", noSpace);
        IOException suppressing = new IOException("first failure");
        suppressing.addSuppressed(noSpace);
        assertThat(LocalDirWriteFailure.of("block", dir, wrapped).code()).isEqualTo(ErrorCode.INSUFFICIENT_RESOURCES);
        assertThat(LocalDirWriteFailure.of("block", dir, suppressing).code())
                .isEqualTo(ErrorCode.INSUFFICIENT_RESOURCES);
    }

    @Test
    void otherWriteFailuresStayIoFailuresWithTheirOwnMessage() {
        SpindleException e = LocalDirWriteFailure.of("shuffle spill", dir.resolve("x"),
                new IOException("Input/output error"));
        assertThat(e.code()).isEqualTo(ErrorCode.IO_FAILURE);
        assertThat(e.getMessage()).isEqualTo("cannot write shuffle spill " + dir.resolve("x")
                + ": java.io.IOException: Input/output error").doesNotContain("spindle.local.dir");
    }
}
