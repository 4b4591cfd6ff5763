package dev.spindle.bench.floor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Cuts a text file into byte ranges that start and end at line boundaries, one per thread, and reads the lines
 * of a range. Reads ISO-8859-1 (one char per byte, so characters count bytes) and expects {@code \n} line ends,
 * as the generator writes them.
 */
final class FileRanges {
    private FileRanges() {
    }

    /** A half-open byte range {@code [start, end)} of a file. */
    record Range(long start, long end) {
    }

    static List<Range> split(Path file, int parts) throws IOException {
        List<Range> ranges = new ArrayList<>();
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long size = in.length();
            long start = 0;
            for (int i = 1; i <= parts; i++) {
                long end = i == parts ? size : Math.max(start, nextLineStart(in, size * i / parts));
                ranges.add(new Range(start, end));
                start = end;
            }
        }
        return ranges;
    }

    /** The offset just after the first newline at or after {@code offset}, or the file size. */
    private static long nextLineStart(RandomAccessFile in, long offset) throws IOException {
        in.seek(offset);
        byte[] buffer = new byte[64 * 1024];
        long position = offset;
        for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
            for (int i = 0; i < n; i++) {
                if (buffer[i] == '\n') {
                    return position + i + 1;
                }
            }
            position += n;
        }
        return position;
    }

    static void forEachLine(Path file, Range range, Consumer<String> action) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.position(range.start());
            BufferedReader in = new BufferedReader(
                    new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.ISO_8859_1), 1 << 16);
            long remaining = range.end() - range.start();
            while (remaining > 0) {
                String line = in.readLine();
                if (line == null) {
                    break;
                }
                remaining -= line.length() + 1;
                action.accept(line);
            }
        }
    }
}
