package dev.spindle.io;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.SpindleException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.BlockLocation;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Input listing and split planning shared by the file sources, following Hadoop's {@code FileInputFormat}:
 * split size = max(minSplit, min(total / minPartitions, blockSize, maxPartitionBytes)); the last split of a
 * file may be up to 10% larger than the split size rather than leave a tiny tail.
 */
public final class FileSplits {
    /** Hadoop's {@code mapreduce.input.fileinputformat.split.minsize}. */
    public static final String MIN_SPLIT_SIZE_KEY = "mapreduce.input.fileinputformat.split.minsize";
    private static final double SPLIT_SLOP = 1.1;

    private FileSplits() {
    }

    /**
     * The input files named by {@code paths}: comma-separated files, directories (their direct children,
     * skipping names starting with {@code _} or {@code .} and subdirectories) or globs, on any Hadoop
     * FileSystem. Scheme-less paths resolve against {@code fs.defaultFS}. Returned statuses carry fully
     * qualified paths, in the order given (children and glob matches sorted by name).
     *
     * @throws SpindleException INVALID_INPUT naming the path when a path does not exist or a glob matches nothing
     */
    public static List<FileStatus> listFiles(String paths, Configuration conf) {
        requireNonNull(paths, "paths is null");
        requireNonNull(conf, "conf is null");
        List<FileStatus> files = new ArrayList<>();
        for (String raw : splitPaths(paths)) {
            Path path = new Path(raw);
            try {
                FileSystem fs = path.getFileSystem(conf);
                FileStatus[] matches = fs.globStatus(path);
                if (matches == null || matches.length == 0) {
                    throw new SpindleException(ErrorCode.INVALID_INPUT, "input path " + raw
                            + (matches == null ? " does not exist" : " matches no files")
                            + " (resolved against " + fs.getUri() + "); check the path and its file system");
                }
                boolean glob = raw.chars().anyMatch(c -> "*?[{\\".indexOf(c) >= 0);
                for (FileStatus match : sortedByName(matches)) {
                    if (glob && isHidden(match.getPath())) {
                        continue;
                    }
                    if (match.isDirectory()) {
                        for (FileStatus child : sortedByName(fs.listStatus(match.getPath()))) {
                            if (child.isFile() && !isHidden(child.getPath())) {
                                files.add(child);
                            }
                        }
                    } else {
                        files.add(match);
                    }
                }
            } catch (IOException e) {
                throw new SpindleException(ErrorCode.INVALID_INPUT, "cannot list input path " + raw + ": " + e, e);
            }
        }
        return files;
    }

    /**
     * What identifies {@code files}: each file's qualified path, length and modification time, in listing order.
     * Recovery compares it between ApplicationMaster attempts: a file that changed makes the actions reading it
     * run again.
     */
    public static List<String> signature(List<FileStatus> files) {
        List<String> signature = new ArrayList<>();
        for (FileStatus file : files) {
            signature.add(file.getPath() + " " + file.getLen() + " " + file.getModificationTime());
        }
        return List.copyOf(signature);
    }

    /**
     * Splits of {@code files}; a file for which {@code splittable} is false becomes one split.
     * Zero-length files yield no split.
     */
    public static List<FileSplitPartition> plan(List<FileStatus> files, int minPartitions, long maxPartitionBytes,
            Predicate<Path> splittable, Configuration conf) {
        SpindleException.checkArgument(minPartitions > 0, "minPartitions=%d must be positive", minPartitions);
        SpindleException.checkArgument(maxPartitionBytes > 0, "maxPartitionBytes=%d must be positive",
                maxPartitionBytes);
        long total = files.stream().mapToLong(FileStatus::getLen).sum();
        long goal = Math.max(1, total / minPartitions);
        long minSplit = Math.max(1, conf.getLong(MIN_SPLIT_SIZE_KEY, 1));
        List<FileSplitPartition> splits = new ArrayList<>();
        for (FileStatus file : files) {
            long length = file.getLen();
            if (length == 0) {
                continue;
            }
            Path path = file.getPath();
            try {
                FileSystem fs = path.getFileSystem(conf);
                BlockLocation[] blocks = fs.getFileBlockLocations(file, 0, length);
                boolean local = "file".equals(fs.getUri().getScheme());
                if (!splittable.test(path)) {
                    splits.add(new FileSplitPartition(splits.size(), path.toString(), 0, length,
                            hosts(blocks, 0, length, local)));
                    continue;
                }
                long blockSize = file.getBlockSize() > 0 ? file.getBlockSize() : length;
                long splitSize = Math.max(minSplit, Math.min(goal, Math.min(blockSize, maxPartitionBytes)));
                long remaining = length;
                while ((double) remaining / splitSize > SPLIT_SLOP) {
                    long start = length - remaining;
                    splits.add(new FileSplitPartition(splits.size(), path.toString(), start, splitSize,
                            hosts(blocks, start, splitSize, local)));
                    remaining -= splitSize;
                }
                if (remaining > 0) {
                    long start = length - remaining;
                    splits.add(new FileSplitPartition(splits.size(), path.toString(), start, remaining,
                            hosts(blocks, start, remaining, local)));
                }
            } catch (IOException e) {
                throw new SpindleException(ErrorCode.IO_FAILURE, "cannot read block locations of " + path + ": " + e, e);
            }
        }
        return splits;
    }

    /**
     * The hosts holding the most bytes of {@code [start, start + length)}: every host holding at least half
     * as many bytes of the range as the best one, best first. {@code localhost} of the local file system
     * means nothing to a scheduler and is dropped when {@code local}.
     */
    public static List<String> hosts(BlockLocation[] blocks, long start, long length, boolean local)
            throws IOException {
        Map<String, Long> bytesByHost = new HashMap<>();
        long end = start + length;
        for (BlockLocation block : blocks) {
            long overlap = Math.min(end, block.getOffset() + block.getLength()) - Math.max(start, block.getOffset());
            if (overlap <= 0) {
                continue;
            }
            for (String host : block.getHosts()) {
                if (!(local && "localhost".equals(host))) {
                    bytesByHost.merge(host, overlap, Long::sum);
                }
            }
        }
        long best = bytesByHost.values().stream().mapToLong(Long::longValue).max().orElse(0);
        return bytesByHost.entrySet().stream()
                .filter(e -> e.getValue() * 2 >= best)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey)
                .toList();
    }

    /** Splits on commas outside glob braces, so {@code /a/{x,y}.txt,/b} is two paths. */
    static List<String> splitPaths(String paths) {
        List<String> result = new ArrayList<>();
        int depth = 0;
        StringBuilder current = new StringBuilder();
        for (char c : paths.toCharArray()) {
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth = Math.max(0, depth - 1);
            }
            if (c == ',' && depth == 0) {
                addPath(result, current);
            } else {
                current.append(c);
            }
        }
        addPath(result, current);
        SpindleException.checkArgument(!result.isEmpty(), "no input path in '%s'; pass files, directories or globs",
                paths);
        return result;
    }

    private static void addPath(List<String> result, StringBuilder current) {
        String p = current.toString().strip();
        if (!p.isEmpty()) {
            result.add(p);
        }
        current.setLength(0);
    }

    private static boolean isHidden(Path path) {
        String name = path.getName();
        return name.startsWith("_") || name.startsWith(".");
    }

    private static List<FileStatus> sortedByName(FileStatus[] statuses) {
        List<FileStatus> list = new ArrayList<>(List.of(statuses));
        list.sort(Comparator.comparing(s -> s.getPath().toString()));
        return list;
    }
}
