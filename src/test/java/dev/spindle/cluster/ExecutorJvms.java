package dev.spindle.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The executor JVMs this test JVM started (local-cluster), found by their command lines. Those are read from
 * {@code /proc}: {@link ProcessHandle.Info#commandLine()} is empty for a command line as long as a test class path
 * makes it, so a check built on it finds no executor even when one runs.
 */
public final class ExecutorJvms {
    private ExecutorJvms() {
    }

    /** The command lines (arguments separated by spaces) of the running executor JVMs started from this JVM. */
    public static List<String> commandLines() {
        return ProcessHandle.current().descendants().map(ExecutorJvms::commandLine)
                .filter(line -> line.contains(ExecutorCommand.MAIN_CLASS)).toList();
    }

    private static String commandLine(ProcessHandle process) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline")),
                    StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return ""; // it ended meanwhile
        }
    }
}
