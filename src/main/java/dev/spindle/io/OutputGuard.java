package dev.spindle.io;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.SpindleException;
import dev.spindle.config.SpindleConf;
import dev.spindle.config.SpindleConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Checks, on the driver and before anything is touched, that a save may write where it was told to: never over
 * its own input, never over a directory that holds more than output (a file system's root, a home directory, the
 * working directory, Spindle's own staging, event-log and checkpoint directories), and with settings the tasks
 * can use (the compression codec). Each refusal names both paths and what to do.
 */
public final class OutputGuard {
    private OutputGuard() {
    }

    /**
     * Refuses {@code outputPath} (qualified) for a job that reads {@code inputs} (paths as the program gave them,
     * globs allowed) with output format {@code format}.
     */
    public static void check(String outputPath, List<String> inputs, RecordFormat format, SpindleConf conf) {
        requireNonNull(outputPath, "outputPath is null");
        Configuration hadoop = HadoopConfs.from(conf);
        Path output = new Path(outputPath);
        try {
            FileSystem fs = output.getFileSystem(hadoop);
            output = fs.makeQualified(output);
            for (String input : inputs) {
                Path in = new Path(globFree(input));
                in = in.getFileSystem(hadoop).makeQualified(in);
                if (within(output, in) || within(in, output)) {
                    throw new SpindleException(ErrorCode.INVALID_ARGUMENT, "cannot save to " + output + ": it "
                            + (output.equals(in) ? "is" : within(in, output) ? "contains" : "lies inside")
                            + " the job's input " + in + " (from " + input + "); overwriting it would destroy "
                            + "what the job reads. Save somewhere else");
                }
            }
            for (Protected place : protectedPlaces(fs, conf)) {
                if (within(place.path(), output) || place.alsoInside() && within(output, place.path())) {
                    throw new SpindleException(ErrorCode.INVALID_ARGUMENT, "cannot save to " + output + ": it "
                            + (output.equals(place.path()) ? "is" : within(place.path(), output) ? "contains"
                                    : "lies inside") + " " + place.what() + " " + place.path()
                            + ", which holds more than this job's output. Save to a directory of its own");
                }
            }
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot check output directory " + outputPath + ": "
                    + e.getMessage(), e);
        }
        if (format instanceof RecordFormat.Text text && text.codecClassName() != null) {
            OutputCommitter.codec(text.codecClassName(), hadoop); // a misspelt codec fails here, not in every task
        }
    }

    /** A place no output may cover; {@code alsoInside}: no output may lie inside it either. */
    private record Protected(String what, Path path, boolean alsoInside) {
    }

    private static List<Protected> protectedPlaces(FileSystem fs, SpindleConf conf) throws IOException {
        List<Protected> places = new ArrayList<>();
        Path home = fs.makeQualified(fs.getHomeDirectory());
        places.add(new Protected("the root of", fs.makeQualified(new Path("/")), false));
        places.add(new Protected("the home directory", home, false));
        places.add(new Protected("the working directory", fs.makeQualified(fs.getWorkingDirectory()), false));
        places.add(new Protected("Spindle's directory (staging, event logs, jar cache)",
                new Path(home, ".spindle"), true));
        for (String key : List.of(SpindleConfig.EVENT_LOG_DIR.key(), SpindleConfig.CHECKPOINT_DIR.key())) {
            String dir = conf.asMap().get(key);
            if (dir != null) {
                Path path = new Path(dir);
                places.add(new Protected("the directory of " + key, path.getFileSystem(fs.getConf())
                        .makeQualified(path), false));
            }
        }
        return places;
    }

    /** True when {@code path} is {@code dir} or lies below it (same file system). */
    static boolean within(Path path, Path dir) {
        if (!sameFileSystem(path, dir)) {
            return false;
        }
        String p = path.toUri().getPath();
        String d = dir.toUri().getPath();
        return p.equals(d) || p.startsWith(d.endsWith("/") ? d : d + "/");
    }

    private static boolean sameFileSystem(Path a, Path b) {
        return java.util.Objects.equals(a.toUri().getScheme(), b.toUri().getScheme())
                && java.util.Objects.equals(a.toUri().getAuthority(), b.toUri().getAuthority());
    }

    /** The part of {@code path} before its first glob character's directory: what the glob can match under. */
    static String globFree(String path) {
        int glob = -1;
        for (int i = 0; i < path.length(); i++) {
            if ("*?[{\\".indexOf(path.charAt(i)) >= 0) {
                glob = i;
                break;
            }
        }
        if (glob < 0) {
            return path;
        }
        int slash = path.lastIndexOf('/', glob);
        return slash <= 0 ? "/" : path.substring(0, slash);
    }
}
