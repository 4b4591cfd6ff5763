package dev.spindle.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Marker files through which a test and the tasks it runs, in executor JVMs of their own, tell each other how far they
 * got: a task waits for a mark the test (or another task) makes, and the other side waits for the task's. Each wait is
 * on a condition, bounded so that a broken engine fails instead of hanging.
 */
final class TaskMarks {
    private static final Duration POLL = Duration.ofMillis(20);

    private TaskMarks() {
    }

    /** Makes the mark {@code path}; true when this call made it, false when it was there already. */
    static boolean make(Path path) {
        try {
            Files.createFile(path);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the mark {@code path} exists; false when it did not within {@code limit}. */
    static boolean await(Path path, Duration limit) {
        try {
            require(path, limit);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    /** {@link #await}, failing the task (and so its job) with the mark's name when it does not come. */
    static void require(Path path, Duration limit) {
        Awaitility.await("mark " + path).atMost(limit).pollInterval(POLL).until(() -> Files.exists(path));
    }
}
