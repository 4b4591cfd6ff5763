package dev.spindle.io;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local file system under the scheme {@code pausefile} (set {@code spindle.hadoop.fs.pausefile.impl} to this
 * class), whose operations first call the test's {@link Hook}: a test makes two task attempts interleave exactly as
 * it wants by holding one inside a step until the other has reached another. For executors in the test's JVM.
 */
public final class PausingFileSystem extends RawLocalFileSystem {
    public static final String SCHEME = "pausefile";

    /** Called before each operation on {@code path}; may block. */
    @FunctionalInterface
    public interface Hook {
        void before(String operation, Path path) throws IOException;
    }

    /** Called after each operation on {@code path}. */
    @FunctionalInterface
    public interface AfterHook {
        void after(String operation, Path path);
    }

    private static volatile Hook before = (operation, path) -> { };
    private static volatile AfterHook after = (operation, path) -> { };

    /** Installs the hooks for the next test; {@link #reset} removes them. */
    public static void install(Hook beforeEach, AfterHook afterEach) {
        before = beforeEach;
        after = afterEach;
    }

    public static void reset() {
        install((operation, path) -> { }, (operation, path) -> { });
    }

    /**
     * Waits for {@code latch} even when the waiting task is interrupted (killed): a slow file system call does not
     * end on an interrupt either. The interrupt is restored afterwards. Fails after 60 s.
     */
    public static void awaitUninterruptibly(CountDownLatch latch, String what) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    if (latch.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                        return;
                    }
                    throw new IOException("the test never released " + what);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public void initialize(URI uri, Configuration conf) throws IOException {
        super.initialize(getUri(), conf);
    }

    /** A file system call. */
    @FunctionalInterface
    private interface Call<T> {
        T run() throws IOException;
    }

    private static <T> T hooked(String operation, Path path, Call<T> call) throws IOException {
        before.before(operation, path);
        T result = call.run();
        after.after(operation, path);
        return result;
    }

    @Override
    public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
            Progressable progress) throws IOException {
        return hooked("create", f, () -> super.create(f, overwrite, bufferSize, replication, blockSize, progress));
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
            short replication, long blockSize, Progressable progress) throws IOException {
        return hooked("create", f,
                () -> super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress));
    }

    @Override
    public FileStatus getFileStatus(Path f) throws IOException {
        return hooked("getFileStatus", f, () -> super.getFileStatus(f));
    }

    @Override
    public boolean delete(Path p, boolean recursive) throws IOException {
        return hooked("delete", p, () -> super.delete(p, recursive));
    }

    @Override
    public boolean rename(Path src, Path dst) throws IOException {
        return hooked("rename", src, () -> super.rename(src, dst));
    }
}
