package dev.spindle.bench.data;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes ASCII lines to a temporary sibling of the target and counts the bytes; {@link #commit()} moves the
 * file into place, so a generation that dies half-way never leaves a truncated input behind.
 */
final class LineWriter implements AutoCloseable {
    private static final int BUFFER = 1 << 20;

    private final Path target;
    private final Path tmp;
    private final BufferedWriter out;
    private long bytes;
    private long lines;

    LineWriter(Path target) throws IOException {
        this.target = target;
        this.tmp = target.resolveSibling(target.getFileName() + ".tmp");
        this.out = new BufferedWriter(Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII), BUFFER);
    }

    void line(CharSequence line) throws IOException {
        out.append(line).append('\n');
        bytes += line.length() + 1;
        lines++;
    }

    long bytes() {
        return bytes;
    }

    long lines() {
        return lines;
    }

    void commit() throws IOException {
        out.close();
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() throws IOException {
        out.close();
        Files.deleteIfExists(tmp);
    }
}
