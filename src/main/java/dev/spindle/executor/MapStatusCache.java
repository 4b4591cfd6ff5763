package dev.spindle.executor;

import static java.util.Objects.requireNonNull;

import dev.spindle.shuffle.MapOutputLocator;
import dev.spindle.shuffle.MapStatus;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An executor's copy of the map statuses its reduce tasks read: one request to the driver per shuffle, however many
 * of the shuffle's reduce tasks the executor runs, and tasks that want the same shuffle at once share the request.
 * Each task launch carries the driver's map output epoch; a different one (an output was lost or removed since) drops
 * every copy, and so does a new driver connection. A failed request is not kept.
 */
final class MapStatusCache implements MapOutputLocator {
    private final MapOutputLocator driver;
    private final Map<Integer, CompletableFuture<List<MapStatus>>> shuffles = new ConcurrentHashMap<>();
    private long epoch; // guarded by this

    MapStatusCache(MapOutputLocator driver) {
        this.driver = requireNonNull(driver, "driver is null");
    }

    /** A task launched at the driver's {@code epoch} arrived (in the order the driver sent them). */
    synchronized void observe(long epoch) {
        if (epoch != this.epoch) {
            this.epoch = epoch;
            shuffles.clear();
        }
    }

    /** Forgets every copy: a new driver (whose shuffle ids and epochs start again). */
    synchronized void clear() {
        epoch = 0;
        shuffles.clear();
    }

    /** Forgets shuffle {@code shuffleId} (removed). */
    void remove(int shuffleId) {
        shuffles.remove(shuffleId);
    }

    @Override
    public List<MapStatus> statuses(int shuffleId) {
        CompletableFuture<List<MapStatus>> mine = new CompletableFuture<>();
        CompletableFuture<List<MapStatus>> shared = shuffles.putIfAbsent(shuffleId, mine);
        if (shared == null) {
            try {
                mine.complete(driver.statuses(shuffleId));
            } catch (RuntimeException e) {
                shuffles.remove(shuffleId, mine);
                mine.completeExceptionally(e);
                throw e;
            }
            return mine.join();
        }
        try {
            return shared.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }
}
