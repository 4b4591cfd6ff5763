package dev.spindle.driver;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.NamedThreadFactory;
import dev.spindle.scheduler.spi.SchedulerEvent;
import dev.spindle.scheduler.spi.SchedulerListener;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Cleans up, on the driver and the executors, the shuffles and broadcast values that no live dataset or handle of
 * the program can reach any more: it holds each shuffle dependency and each broadcast handle weakly, and when the
 * garbage collector clears one, the shuffle's map output (locations, files, what recovery journaled) or the
 * broadcast's value is deleted. So a long application does not grow without bound, and executors that held only
 * such output become releasable. The JVM collects only when its heap fills, so a driver with a roomy heap also
 * collects every {@code spindle.cleaner.periodicGC.interval}, and a driver whose tasks run in other JVMs (whose heap
 * barely churns) also when a job starts after the jobs since its last such collection wrote at least
 * {@code spindle.cleaner.gcAfterShuffleBytes} of shuffle output: the files of a sort that an iteration no longer
 * reaches are gone before the next one writes its own, not half an hour later.
 */
final class ContextCleaner implements AutoCloseable, SchedulerListener {
    private static final Logger LOG = LogManager.getLogger(ContextCleaner.class);

    /** A weak reference that remembers what to clean once its referent is gone. */
    private static final class Cleanup extends WeakReference<Object> {
        final Runnable action;
        final String what;

        Cleanup(Object referent, ReferenceQueue<Object> queue, String what, Runnable action) {
            super(referent, queue);
            this.what = what;
            this.action = action;
        }
    }

    private final ReferenceQueue<Object> queue = new ReferenceQueue<>();
    /** Keeps the references themselves reachable until they are enqueued. */
    private final Set<Cleanup> pending = ConcurrentHashMap.newKeySet();
    private final IntConsumer shuffleCleaner;
    private final LongConsumer broadcastCleaner;
    private final Thread thread = new Thread(this::run, "spindle-context-cleaner");
    private final ScheduledExecutorService periodicGc =
            Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("spindle-periodic-gc", true));
    private final Runnable collect;
    private volatile boolean stopped;
    /** 0: no collection for shuffle output. Set by {@link #start} before the first event. */
    private volatile long gcAfterShuffleBytes;
    /** Shuffle output of the tasks that succeeded since the last collection this class asked for. */
    private long shuffleBytesSinceGc;
    private volatile int collectionsForShuffles;

    ContextCleaner(IntConsumer shuffleCleaner, LongConsumer broadcastCleaner) {
        this(shuffleCleaner, broadcastCleaner, System::gc);
    }

    /** {@code collect} runs a garbage collection ({@link System#gc} but in tests). */
    ContextCleaner(IntConsumer shuffleCleaner, LongConsumer broadcastCleaner, Runnable collect) {
        this.shuffleCleaner = requireNonNull(shuffleCleaner, "shuffleCleaner is null");
        this.broadcastCleaner = requireNonNull(broadcastCleaner, "broadcastCleaner is null");
        this.collect = requireNonNull(collect, "collect is null");
        thread.setDaemon(true);
    }

    /**
     * Starts cleaning; collects every {@code periodicGcInterval}, and when a job starts after the jobs since the last
     * such collection wrote {@code gcAfterShuffleBytes} of shuffle output (0: never).
     */
    void start(Duration periodicGcInterval, long gcAfterShuffleBytes) {
        this.gcAfterShuffleBytes = gcAfterShuffleBytes;
        thread.start();
        long millis = periodicGcInterval.toMillis();
        periodicGc.scheduleWithFixedDelay(collect, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Counts the shuffle output of succeeded tasks; collects, off this thread, when a job starts past the bound. */
    @Override
    public void onEvent(SchedulerEvent event) {
        long bound = gcAfterShuffleBytes;
        if (bound <= 0) {
            return;
        }
        if (event instanceof SchedulerEvent.TaskEnded ended && ended.failure() == null && ended.metrics() != null) {
            shuffleBytesSinceGc += ended.metrics().shuffleBytesWritten();
        } else if (event instanceof SchedulerEvent.JobStarted started && shuffleBytesSinceGc >= bound) {
            LOG.debug("Job {} starts after {} bytes of shuffle output since the last collection: collecting, so that "
                    + "shuffles no dataset reaches any more are cleaned up", started.jobId(), shuffleBytesSinceGc);
            shuffleBytesSinceGc = 0;
            collectionsForShuffles++;
            try {
                periodicGc.execute(collect);
            } catch (RejectedExecutionException e) {
                // Closing: nothing more to clean.
            }
        }
    }

    /** Deletes shuffle {@code shuffleId} once {@code dependency} is collected. */
    void registerShuffle(Object dependency, int shuffleId) {
        pending.add(new Cleanup(dependency, queue, "shuffle " + shuffleId, () -> shuffleCleaner.accept(shuffleId)));
    }

    /** Deletes broadcast value {@code id} once {@code handle} is collected. */
    void registerBroadcast(Object handle, long id) {
        pending.add(new Cleanup(handle, queue, "broadcast " + id, () -> broadcastCleaner.accept(id)));
    }

    /** Collections asked for because of shuffle output so far (each runs on the periodic collector's thread). */
    int collectionsForShuffles() {
        return collectionsForShuffles;
    }

    /** References still waiting for their referent to be collected. */
    int pending() {
        return pending.size();
    }

    private void run() {
        while (!stopped) {
            Reference<?> reference;
            try {
                reference = queue.remove(100);
            } catch (InterruptedException e) {
                return;
            }
            if (reference instanceof Cleanup cleanup && pending.remove(cleanup)) {
                try {
                    LOG.debug("Cleaning up {}: no dataset or handle reaches it any more", cleanup.what);
                    cleanup.action.run();
                } catch (RuntimeException e) {
                    LOG.warn("Could not clean up {}", cleanup.what, e);
                }
            }
        }
    }

    @Override
    public void close() {
        stopped = true;
        periodicGc.shutdownNow();
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pending.clear();
    }
}
