package dev.spindle.storage;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.SpindleException;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The error for a failed write to an executor's local directory (shuffle data, spills, disk-cached blocks). A full
 * disk ({@code ENOSPC}) is a resource error that names the path, the free space of its file store and the setting
 * that moves the local directory, so that the user can act on it; the scheduler retries the task on another
 * executor, whose disk may have room.
 */
public final class LocalDirWriteFailure {
    /** The JDK's text for {@code ENOSPC}, whichever call (write, force, close, transferTo) hit it. */
    static final String NO_SPACE = "No space left on device";

    private LocalDirWriteFailure() {
    }

    /**
     * @param what what was being written, e.g. "shuffle spill"
     * @param path the file being written, or the directory when the failing file is not known
     */
    public static SpindleException of(String what, Path path, IOException e) {
        if (!isNoSpace(e)) {
            return new SpindleException(ErrorCode.IO_FAILURE, "cannot write " + what + " " + path + ": " + e, e);
        }
        return new SpindleException(ErrorCode.INSUFFICIENT_RESOURCES, "cannot write " + what + " " + path
                + ": no space left on device (" + freeSpace(path) + "); point spindle.local.dir at a disk with more "
                + "room (on YARN: the NodeManagers' yarn.nodemanager.local-dirs), or free space on this one", e);
    }

    /** True when {@code e}, its causes or what they suppressed report {@code ENOSPC}. */
    static boolean isNoSpace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(NO_SPACE)) {
                return true;
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (isNoSpace(suppressed)) {
                    return true;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /**
     * "12.5 MiB free of 100.0 GiB on /dev/sda1": the file store of the directory that holds {@code path} (the local
     * directory, which is what the user moves; the file itself may already be gone).
     */
    static String freeSpace(Path path) {
        Path dir = Files.isDirectory(path) || path.getParent() == null ? path : path.getParent();
        try {
            FileStore store = Files.getFileStore(dir);
            return bytes(store.getUsableSpace()) + " free of " + bytes(store.getTotalSpace()) + " on " + store.name()
                    + " holding " + dir;
        } catch (IOException | SecurityException e) {
            return "free space of " + dir + " unknown: " + e;
        }
    }

    private static String bytes(long n) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double value = n;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
