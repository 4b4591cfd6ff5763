package dev.spindle.shuffle;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.FileSegmentStream;
import dev.spindle.common.SpindleException;
import dev.spindle.storage.LocalDirWriteFailure;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One executor's shuffle files: per map task a data file (the records of each reduce partition, one after the
 * other) and an index file ({@code numPartitions + 1} offsets), plus temporary spill files.
 */
public final class ShuffleFiles {
    /** Names a fresh temporary file under the shuffle directory; a seam for tests that break one file. */
    interface TempFiles {
        Path name(Path root, String purpose) throws IOException;
    }

    private static final TempFiles RANDOM_NAMES = (root, purpose) -> root.resolve("tmp_" + purpose + "_"
            + UUID.randomUUID());

    private final Path root;
    private final TempFiles tempFiles;

    public ShuffleFiles(Path root) {
        this(root, RANDOM_NAMES);
    }

    ShuffleFiles(Path root, TempFiles tempFiles) {
        this.root = requireNonNull(root, "root is null");
        this.tempFiles = requireNonNull(tempFiles, "tempFiles is null");
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot create shuffle directory " + root + ": " + e, e);
        }
    }

    public Path root() {
        return root;
    }

    public Path dataFile(int shuffleId, long mapTaskId) {
        return root.resolve("shuffle_" + shuffleId + "_" + mapTaskId + ".data");
    }

    public Path indexFile(int shuffleId, long mapTaskId) {
        return root.resolve("shuffle_" + shuffleId + "_" + mapTaskId + ".index");
    }

    /** A fresh temporary file name for spills and for data being written. */
    public Path tempFile(String purpose) {
        try {
            return tempFiles.name(root, purpose);
        } catch (IOException e) {
            throw LocalDirWriteFailure.of("a temporary " + purpose + " file in", root, e);
        }
    }

    /** Writes the index and moves data and index into place; a retried attempt replaces a previous one. */
    void commit(int shuffleId, long mapTaskId, Path tempData, long[] offsets) throws IOException {
        Path tempIndex = tempFile("index");
        try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(
                Files.newOutputStream(tempIndex)))) {
            for (long offset : offsets) {
                out.writeLong(offset);
            }
        }
        move(tempData, dataFile(shuffleId, mapTaskId));
        move(tempIndex, indexFile(shuffleId, mapTaskId));
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The bytes of reduce partitions {@code [startPartition, endPartition)} in map task {@code mapTaskId}'s output. */
    public InputStream openSegment(int shuffleId, long mapTaskId, int startPartition, int endPartition)
            throws IOException {
        long[] range = segment(shuffleId, mapTaskId, startPartition, endPartition);
        // A file segment: block servers send it to the socket straight from the file.
        return new FileSegmentStream(FileChannel.open(dataFile(shuffleId, mapTaskId), StandardOpenOption.READ),
                range[0], range[1]);
    }

    /** Offsets {@code [start, end]} of reduce partitions {@code [startPartition, endPartition)}. */
    long[] segment(int shuffleId, long mapTaskId, int startPartition, int endPartition) throws IOException {
        try (InputStream in = Files.newInputStream(indexFile(shuffleId, mapTaskId));
                DataInputStream data = new DataInputStream(in)) {
            data.skipNBytes(8L * startPartition);
            long start = data.readLong();
            data.skipNBytes(8L * (endPartition - startPartition - 1));
            long end = data.readLong();
            return new long[] {start, end};
        }
    }

    /**
     * The map outputs complete here (data and index file both in place): what an executor reports when it
     * registers with a new driver attempt.
     */
    public List<MapOutputId> completeOutputs() {
        List<MapOutputId> outputs = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(root, "shuffle_*.index")) {
            for (Path index : files) {
                String[] parts = index.getFileName().toString().replace(".index", "").split("_");
                if (parts.length == 3) {
                    int shuffleId = Integer.parseInt(parts[1]);
                    long mapTaskId = Long.parseLong(parts[2]);
                    if (Files.exists(dataFile(shuffleId, mapTaskId))) {
                        outputs.add(new MapOutputId(shuffleId, mapTaskId));
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot list the shuffle files in " + root + ": " + e, e);
        }
        return outputs;
    }

    /** Deletes every file of {@code shuffleId}. */
    public void removeShuffle(int shuffleId) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(root, "shuffle_" + shuffleId + "_*")) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot delete files of shuffle " + shuffleId + ": " + e, e);
        }
    }
}
