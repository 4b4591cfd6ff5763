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
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The reduce side: streams every map output's segment for the requested partitions, then combines by key
 * and/or sorts, spilling to disk when execution memory runs out.
 */
public final class ShuffleReader implements ShuffleInput {
    private final MapOutputLocator locator;
    private final BlockFetcher fetcher;
    private final MemoryManager memory;
    private final RecordSerializer serializer;
    private final ShuffleFiles files;

    public ShuffleReader(MapOutputLocator locator, BlockFetcher fetcher, MemoryManager memory,
            RecordSerializer serializer, ShuffleFiles files, int bufferBytes) {
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
        Iterator<Pair<Object, Object>> records = new FetchingIterator(statuses, dependency.shuffleId(), startPartition,
                endPartition, context);
        if (dependency.aggregator().isPresent()) {
            SpillableBuckets<K> combined = new SpillableBuckets<>(1, SpillableBuckets.Mode.COMBINING, null,
                    dependency.aggregator().get(), dependency.mapSideCombine(), context, memory, serializer, files);
            context.onCompletion(combined::close);
            while (records.hasNext()) {
                Pair<Object, Object> record = records.next();
                combined.insert(0, record.key(), record.value());
            }
            records = (Iterator) combined.partition(0);
        }
        if (dependency.keyOrdering().isPresent()) {
            SpillableBuckets<K> sorted = new SpillableBuckets<>(1, SpillableBuckets.Mode.SORTED,
                    dependency.keyOrdering().get(), null, false, context, memory, serializer, files);
            context.onCompletion(sorted::close);
            while (records.hasNext()) {
                Pair<Object, Object> record = records.next();
                sorted.insert(0, record.key(), record.value());
            }
            records = (Iterator) sorted.partition(0);
        }
        return (Iterator) records;
    }

    /** Streams the key-value records of each map output's segment in turn. */
    private final class FetchingIterator implements Iterator<Pair<Object, Object>> {
        private final List<MapStatus> statuses;
        private final int shuffleId;
        private final int start;
        private final int end;
        private final TaskContext context;
        private final ClassLoader loader = Thread.currentThread().getContextClassLoader();
        private int nextStatus;
        private MapStatus current;
        private RecordInput input;
        private Object nextKey = RecordInput.END;

        FetchingIterator(List<MapStatus> statuses, int shuffleId, int start, int end, TaskContext context) {
            this.statuses = statuses;
            this.shuffleId = shuffleId;
            this.start = start;
            this.end = end;
            this.context = context;
            context.onCompletion(this::closeInput);
        }

        @Override
        public boolean hasNext() {
            while (nextKey == RecordInput.END) {
                if (input != null) {
                    closeInput();
                }
                if (nextStatus >= statuses.size()) {
                    return false;
                }
                current = statuses.get(nextStatus++);
                long bytes = 0;
                for (int p = start; p < end; p++) {
                    bytes += current.partitionLengths()[p];
                }
                if (bytes == 0) {
                    continue;
                }
                context.metrics().addShuffleBytesRead(bytes);
                InputStream stream = fetcher.open(current, shuffleId, start, end);
                try {
                    input = serializer.newInput(stream, loader);
                } catch (IOException e) {
                    throw new FetchFailedException(shuffleId, current.mapPartition(), current.location().id(),
                            "cannot open shuffle data: " + e.getMessage(), e);
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
                throw new FetchFailedException(shuffleId, current.mapPartition(), current.location().id(),
                        "corrupt or truncated shuffle data: " + e.getMessage(), e);
            }
        }

        private void closeInput() {
            if (input != null) {
                try {
                    input.close();
                } catch (IOException e) {
                    // Reading finished; a failed close of a read-only file changes nothing.
                }
                input = null;
            }
        }
    }

    static <T> Iterator<T> empty() {
        return Collections.emptyIterator();
    }
}
