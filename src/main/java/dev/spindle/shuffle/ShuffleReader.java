package dev.spindle.shuffle;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.Pair;
import dev.spindle.plan.ShuffleDependency;
import dev.spindle.plan.ShuffleInput;
import dev.spindle.plan.TaskContext;
import dev.spindle.serde.RecordInput;
import dev.spindle.serde.RecordSerializer;
import dev.spindle.storage.MemoryManager;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The reduce side: streams every map output's segment for the requested partitions, then combines by key
 * and/or sorts, spilling to disk when execution memory runs out. A sort without combining keeps the records
 * serialized while it sorts ({@link SerializedSorter}). Segments are read one after another; while one
 * is read, the next ones (up to {@code spindle.reducer.maxBytesInFlight}) are already being fetched, so that a
 * reduce task pulls from many executors at once.
 */
public final class ShuffleReader implements ShuffleInput {
    private final MapOutputLocator locator;
    private final BlockFetcher fetcher;
    private final MemoryManager memory;
    private final RecordSerializer serializer;
    private final ShuffleFiles files;

    /**
     * A segment larger than this is never opened ahead of its turn: a fetch holds up to this much of an unread
     * segment before it stops reading its connection, and a later segment that stopped the connection would starve
     * the one being read.
     */
    static final long MAX_PREFETCH_SEGMENT_BYTES = 15L << 20;

    private final long maxBytesInFlight;

    /** {@code maxBytesInFlight}: segments fetched ahead of the one being read, in bytes. */
    public ShuffleReader(MapOutputLocator locator, BlockFetcher fetcher, MemoryManager memory,
            RecordSerializer serializer, ShuffleFiles files, long maxBytesInFlight) {
        this.maxBytesInFlight = maxBytesInFlight;
        this.locator = requireNonNull(locator, "locator is null");
        this.fetcher = requireNonNull(fetcher, "fetcher is null");
        this.memory = requireNonNull(memory, "memory is null");
        this.serializer = requireNonNull(serializer, "serializer is null");
        this.files = requireNonNull(files, "files is null");
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public <K, V, C> Iterator<Pair<K, C>> read(ShuffleDependency<K, V, C> dependency, int startPartition,
            int endPartition, TaskContext context) {
        List<MapStatus> statuses = locator.statuses(dependency.shuffleId());
        Segments segments = new Segments(statuses, dependency.shuffleId(), startPartition, endPartition, context);
        if (dependency.keyOrdering().isPresent() && dependency.aggregator().isEmpty() && serializer.hasCursors()) {
            return (Iterator) sortSerialized(dependency.keyOrdering().get(), segments, context);
        }
        Iterator<Pair<Object, Object>> records = new FetchingIterator(segments, context);
        if (dependency.aggregator().isPresent()) {
            SpillableBuckets<K> combined = new SpillableBuckets<>(SpillableBuckets.OnePartition.INSTANCE,
                    SpillableBuckets.Mode.COMBINING, null, dependency.aggregator().get(), dependency.mapSideCombine(),
                    context, memory, serializer, files);
            context.onCompletion(combined::close);
            while (records.hasNext()) {
                Pair<Object, Object> record = records.next();
                combined.insert(record.key(), record.value());
            }
            records = (Iterator) combined.partition(0);
        }
        if (dependency.keyOrdering().isPresent()) {
            SpillableBuckets<K> sorted = new SpillableBuckets<>(SpillableBuckets.OnePartition.INSTANCE,
                    SpillableBuckets.Mode.SORTED, dependency.keyOrdering().get(), null, false, context, memory,
                    serializer, files);
            context.onCompletion(sorted::close);
            while (records.hasNext()) {
                Pair<Object, Object> record = records.next();
                sorted.insert(record.key(), record.value());
            }
            records = (Iterator) sorted.partition(0);
        }
        return (Iterator) records;
    }

    /** Sorts without combining: the records stay serialized until they are handed out (see SerializedSorter). */
    private Iterator<Pair<Object, Object>> sortSerialized(Comparator<?> ordering, Segments segments,
            TaskContext context) {
        SerializedSorter sorter = new SerializedSorter(ordering, segments.totalBytes(), context, memory, serializer,
                files);
        context.onCompletion(sorter::close);
        for (Opened segment = segments.next(); segment != null; segment = segments.next()) {
            long records;
            try {
                records = sorter.add(segment.stream());
            } catch (IOException e) {
                throw segments.failed(segment.status(), "corrupt or truncated shuffle data: " + e.getMessage(), e);
            } finally {
                closeQuietly(segment.stream());
            }
            context.metrics().addShuffleRecordsRead(records);
        }
        return sorter.sorted();
    }

    private static void closeQuietly(InputStream stream) {
        try {
            stream.close();
        } catch (IOException e) {
            // Reading finished; a failed close of a read-only stream changes nothing.
        }
    }

    /** A segment being fetched: its map output, its size, its bytes. */
    private record Opened(MapStatus status, long bytes, InputStream stream) {
    }

    /**
     * The segments of every map output for the requested partitions, in turn; while one is read, the following ones
     * are already being fetched. Closes what was opened and not taken when the task completes.
     */
    private final class Segments {
        private final List<MapStatus> statuses;
        private final int shuffleId;
        private final int start;
        private final int end;
        private final TaskContext context;
        private final ArrayDeque<Opened> ahead = new ArrayDeque<>();
        private long aheadBytes;
        private int nextToOpen;

        Segments(List<MapStatus> statuses, int shuffleId, int start, int end, TaskContext context) {
            this.statuses = statuses;
            this.shuffleId = shuffleId;
            this.start = start;
            this.end = end;
            this.context = context;
            context.onCompletion(this::closeAll);
        }

        long totalBytes() {
            long bytes = 0;
            for (MapStatus status : statuses) {
                bytes += bytes(status);
            }
            return bytes;
        }

        private long bytes(MapStatus status) {
            long bytes = 0;
            for (int p = start; p < end; p++) {
                bytes += status.partitionLengths()[p];
            }
            return bytes;
        }

        /** The next segment, counted as read; the caller reads and closes its stream. Null after the last. */
        Opened next() {
            fetchAhead();
            Opened next = ahead.poll();
            if (next == null) {
                return null;
            }
            aheadBytes -= next.bytes();
            fetchAhead();
            context.metrics().addShuffleBytesRead(next.bytes());
            return next;
        }

        FetchFailedException failed(MapStatus status, String message, Exception cause) {
            return new FetchFailedException(shuffleId, status.mapPartition(), status.location().id(), message, cause);
        }

        /**
         * Opens segments in order while they fit: the first whatever its size (it is read next), later ones only
         * when small and within the bytes-in-flight bound.
         */
        private void fetchAhead() {
            while (nextToOpen < statuses.size()) {
                MapStatus status = statuses.get(nextToOpen);
                long bytes = bytes(status);
                if (bytes > 0 && !ahead.isEmpty()
                        && (bytes > MAX_PREFETCH_SEGMENT_BYTES || aheadBytes + bytes > maxBytesInFlight)) {
                    return;
                }
                nextToOpen++;
                if (bytes > 0) {
                    ahead.add(new Opened(status, bytes, fetcher.open(status, shuffleId, start, end)));
                    aheadBytes += bytes;
                }
            }
        }

        private void closeAll() {
            for (Opened opened : ahead) {
                closeQuietly(opened.stream());
            }
            ahead.clear();
        }
    }

    /** Streams the key-value records of each segment in turn. */
    private final class FetchingIterator implements Iterator<Pair<Object, Object>> {
        private final Segments segments;
        private final TaskContext context;
        private final ClassLoader loader = Thread.currentThread().getContextClassLoader();
        private MapStatus current;
        private RecordInput input;
        private Object nextKey = RecordInput.END;

        FetchingIterator(Segments segments, TaskContext context) {
            this.segments = segments;
            this.context = context;
            context.onCompletion(this::closeInput);
        }

        @Override
        public boolean hasNext() {
            while (nextKey == RecordInput.END) {
                if (input != null) {
                    closeInput();
                }
                Opened next = segments.next();
                if (next == null) {
                    return false;
                }
                current = next.status();
                try {
                    input = serializer.newInput(next.stream(), loader);
                } catch (IOException e) {
                    closeQuietly(next.stream());
                    throw segments.failed(current, "cannot open shuffle data: " + e.getMessage(), e);
                }
                nextKey = readRecord();
            }
            return true;
        }

        @Override
        public Pair<Object, Object> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Object key = nextKey;
            Object value = readRecord();
            context.metrics().addShuffleRecordsRead(1);
            nextKey = readRecord();
            return Pair.of(key, value);
        }

        private Object readRecord() {
            try {
                return input.read();
            } catch (IOException e) {
                throw segments.failed(current, "corrupt or truncated shuffle data: " + e.getMessage(), e);
            }
        }

        private void closeInput() {
            if (input != null) {
                try {
                    input.close();
                } catch (IOException e) {
                    // Reading finished; a failed close of a read-only stream changes nothing.
                }
                input = null;
            }
        }
    }

    static <T> Iterator<T> empty() {
        return Collections.emptyIterator();
    }
}
