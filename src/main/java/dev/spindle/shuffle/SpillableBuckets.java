package dev.spindle.shuffle;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.Pair;
import dev.spindle.common.SpindleException;
import dev.spindle.plan.Aggregator;
import dev.spindle.plan.Partitioner;
import dev.spindle.plan.TaskContext;
import dev.spindle.serde.RecordInput;
import dev.spindle.serde.RecordOutput;
import dev.spindle.serde.RecordSerializer;
import dev.spindle.storage.LocalDirWriteFailure;
import dev.spindle.storage.MemoryManager;
import dev.spindle.storage.SizeEstimator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.ToIntFunction;

/**
 * Records bucketed by partition, held in execution memory and spilled to disk as runs when memory runs out,
 * then read back partition by partition, merged with the runs. Three modes: {@link Mode#PLAIN} keeps insertion
 * order, {@link Mode#SORTED} sorts each partition by a key ordering, {@link Mode#COMBINING} combines values of
 * equal keys with an aggregator (runs sorted by key hash, merged hash group by hash group).
 *
 * <p>Used by the map side (one bucket per reduce partition) and the reduce side (one bucket) of the shuffle.
 * Partitions must be read in increasing order, each fully, and {@link #close()} must be called. One task, one
 * thread.
 */
final class SpillableBuckets<K> implements AutoCloseable {
    enum Mode { PLAIN, SORTED, COMBINING }

    private static final int CHECK_EVERY = 32;
    private static final int SAMPLE_EVERY = 16;
    private static final long MIN_REQUEST = 256 << 10;

    private final Partitioner partitioner;
    private final int numPartitions;
    /** {@link #partitionOf} as the combine table asks it, for new keys only. */
    private final ToIntFunction<Object> partitionOfKey = this::partitionOf;
    private final Mode mode;
    private final Comparator<Object> ordering;
    @SuppressWarnings("rawtypes")
    private final Aggregator aggregator;
    private final boolean valuesAreCombiners;
    private final TaskContext context;
    private final MemoryManager memory;
    private final RecordSerializer serializer;
    private final ShuffleFiles files;
    private final ClassLoader loader;

    private List<Object>[] lists;
    private CombineTable table;
    private CombineTable.Grouped grouped;
    private final CombineTable.Merger merger;
    private final List<Spill> spills = new ArrayList<>();
    private long inserted;
    private long entries;
    private double averageEntryBytes = 64;
    private long granted;

    /** A run on disk: how many records each partition has in it, in partition order. */
    private record Spill(Path file, long[] counts) {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    SpillableBuckets(Partitioner partitioner, Mode mode, Comparator<?> ordering, Aggregator aggregator,
            boolean valuesAreCombiners, TaskContext context, MemoryManager memory, RecordSerializer serializer,
            ShuffleFiles files) {
        this.partitioner = partitioner;
        this.numPartitions = partitioner.numPartitions();
        this.mode = mode;
        this.ordering = (Comparator<Object>) ordering;
        this.aggregator = aggregator;
        this.valuesAreCombiners = valuesAreCombiners;
        this.context = context;
        this.memory = memory;
        this.serializer = serializer;
        this.files = files;
        this.loader = Thread.currentThread().getContextClassLoader();
        SpindleException.checkState(mode != Mode.SORTED || ordering != null, "sorted buckets need an ordering");
        SpindleException.checkState(mode != Mode.COMBINING || aggregator != null, "combining buckets need an aggregator");
        this.merger = mode != Mode.COMBINING ? null : new AggregatorMerger(aggregator, valuesAreCombiners);
        resetBuckets();
    }

    /**
     * Merges raw values into combiners (the map side) or combiners into combiners (the reduce side of a combining
     * shuffle). One class for both, not one per side: the combine table's calls into it then see a single receiver
     * class in every stage, and the reduce stage does not throw away the compiled table code that the map stage
     * built for the other class.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private record AggregatorMerger(Aggregator aggregator, boolean combiners, NumericReduction reduction)
            implements CombineTable.Merger {
        AggregatorMerger(Aggregator aggregator, boolean combiners) {
            this(aggregator, combiners,
                    NumericReduction.of(combiners ? aggregator.mergeCombiners() : aggregator.mergeValue()));
        }

        @Override
        public Object first(Object value) {
            return combiners ? value : aggregator.create(value);
        }

        @Override
        public Object merge(Object combiner, Object value) {
            return combiners ? aggregator.merge(combiner, value) : aggregator.mergeValue(combiner, value);
        }
    }

    @SuppressWarnings("unchecked")
    private void resetBuckets() {
        grouped = null;
        if (mode == Mode.COMBINING) {
            table = new CombineTable();
        } else {
            lists = new List[numPartitions];
        }
        entries = 0;
    }

    /**
     * Adds a record to the bucket of its key's partition. When combining, the partitioner is asked only for keys not
     * held yet.
     */
    @SuppressWarnings("unchecked")
    void insert(Object key, Object value) {
        if (mode == Mode.COMBINING) {
            if (table.update(partitionOfKey, key, value, merger)) {
                entries++;
            }
        } else {
            int partition = partitionOf(key);
            List<Object> list = lists[partition];
            if (list == null) {
                list = lists[partition] = new ChunkedList<>();
            }
            list.add(key);
            list.add(value);
            entries++;
        }
        if (++inserted % SAMPLE_EVERY == 0) {
            // For combining, the sampled value is the raw one: close enough for the sums and counts of typical
            // aggregations; growing combiners (groupByKey's lists) are re-estimated as entries keep arriving.
            long sample = SizeEstimator.estimate(key) + SizeEstimator.estimate(value) + 48;
            averageEntryBytes = 0.9 * averageEntryBytes + 0.1 * sample;
        }
        if (inserted % CHECK_EVERY == 0) {
            maybeSpill();
        }
    }

    /** The partition of {@code key}, checked: a partitioner answering outside its partitions fails here, named. */
    int partitionOf(Object key) {
        return checkedPartition(partitioner, numPartitions, key);
    }

    /**
     * {@code partitioner}'s partition for {@code key}, failing with a message when it is not one of its
     * {@code numPartitions} (passed in: this runs per record, and the count does not change).
     */
    static int checkedPartition(Partitioner partitioner, int numPartitions, Object key) {
        int partition = partitioner.partition(key);
        if (partition < 0 || partition >= numPartitions) {
            throw new SpindleException(ErrorCode.INVALID_ARGUMENT, String.format(
                    "partitioner %s put key %s in partition %d, but it has %d partitions; its partition(key) "
                            + "must return a number in [0, numPartitions())", partitioner.getClass().getName(),
                    shortText(key), partition, numPartitions));
        }
        return partition;
    }

    private static String shortText(Object key) {
        String text = String.valueOf(key);
        return text.length() <= 100 ? text : text.substring(0, 100) + "...";
    }

    /** One partition: the reduce side's buckets, which hold the records of one reduce task. */
    enum OnePartition implements Partitioner {
        INSTANCE;

        @Override
        public int numPartitions() {
            return 1;
        }

        @Override
        public int partition(Object key) {
            return 0;
        }
    }

    /** Records inserted so far. */
    long inserted() {
        return inserted;
    }

    /** Entries held in memory: distinct keys when combining. */
    long entries() {
        return entries;
    }

    long estimatedBytes() {
        return (long) (entries * averageEntryBytes);
    }

    private void maybeSpill() {
        long estimate = estimatedBytes();
        if (estimate <= granted) {
            return;
        }
        long want = Math.max(MIN_REQUEST, 2 * estimate - granted);
        granted += memory.acquireExecution(context.attemptId().taskId(), want);
        if (estimate > granted) {
            spill();
        }
    }

    private void spill() {
        Path file = files.tempFile("spill");
        long[] counts = new long[numPartitions];
        try (RecordOutput out = serializer.newOutput(Files.newOutputStream(file))) {
            for (int p = 0; p < numPartitions; p++) {
                Iterator<Pair<Object, Object>> records = memoryIterator(p);
                while (records.hasNext()) {
                    Pair<Object, Object> record = records.next();
                    out.write(record.key());
                    out.write(record.value());
                    counts[p]++;
                }
            }
        } catch (IOException e) {
            throw LocalDirWriteFailure.of("shuffle spill", file, e);
        }
        spills.add(new Spill(file, counts));
        try {
            context.metrics().addSpilledBytes(Files.size(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        resetBuckets();
        memory.releaseExecution(context.attemptId().taskId(), granted);
        granted = 0;
    }

    boolean spilled() {
        return !spills.isEmpty();
    }

    /** The in-memory records of {@code partition}, in the order runs are written (sorted or hash-sorted). */
    private Iterator<Pair<Object, Object>> memoryIterator(int partition) {
        if (mode == Mode.COMBINING) {
            if (grouped == null) {
                grouped = table.grouped(numPartitions);
            }
            return grouped.partition(partition);
        }
        List<Object> list = lists[partition];
        if (list == null) {
            return Collections.emptyIterator();
        }
        List<Pair<Object, Object>> pairs = new ChunkedList<>();
        for (int i = 0; i < list.size(); i += 2) {
            pairs.add(Pair.of(list.get(i), list.get(i + 1)));
        }
        if (mode == Mode.SORTED) {
            KeySorter.sort(pairs, ordering);
        }
        return pairs.iterator();
    }

    private static int hash(Object key) {
        return key == null ? 0 : key.hashCode();
    }

    private List<RecordInput> spillInputs;

    /** The merged records of {@code partition}; call for partitions in increasing order, each read fully. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    <C> Iterator<Pair<K, C>> partition(int partition) {
        if (spills.isEmpty()) {
            return (Iterator) memoryIterator(partition);
        }
        if (spillInputs == null) {
            spillInputs = new ArrayList<>();
            for (Spill spill : spills) {
                try {
                    spillInputs.add(serializer.newInput(Files.newInputStream(spill.file()), loader));
                } catch (IOException e) {
                    throw new SpindleException(ErrorCode.IO_FAILURE, "cannot read shuffle spill " + spill.file(), e);
                }
            }
        }
        List<Iterator<Pair<Object, Object>>> sources = new ArrayList<>();
        for (int s = 0; s < spills.size(); s++) {
            sources.add(new RunIterator(spillInputs.get(s), spills.get(s).counts()[partition], spills.get(s).file()));
        }
        sources.add(memoryIterator(partition));
        return (Iterator) switch (mode) {
            case PLAIN -> concat(sources);
            case SORTED -> new MergeIterator(sources, (a, b) -> ordering.compare(a.key(), b.key()));
            case COMBINING -> new CombiningIterator(new MergeIterator(sources,
                    Comparator.comparingInt(p -> hash(p.key()))));
        };
    }

    private static Iterator<Pair<Object, Object>> concat(List<Iterator<Pair<Object, Object>>> sources) {
        Iterator<Iterator<Pair<Object, Object>>> outer = sources.iterator();
        return new Iterator<>() {
            private Iterator<Pair<Object, Object>> current = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && outer.hasNext()) {
                    current = outer.next();
                }
                return current.hasNext();
            }

            @Override
            public Pair<Object, Object> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }

    /** Combines the records of a hash-ordered stream whose keys are equal (not just of equal hash). */
    private final class CombiningIterator implements Iterator<Pair<Object, Object>> {
        private final MergeIterator input;
        private Pair<Object, Object> lookahead;
        private Iterator<Pair<Object, Object>> group = Collections.emptyIterator();

        CombiningIterator(MergeIterator input) {
            this.input = input;
            this.lookahead = input.hasNext() ? input.next() : null;
        }

        @Override
        public boolean hasNext() {
            if (group.hasNext()) {
                return true;
            }
            if (lookahead == null) {
                return false;
            }
            int h = hash(lookahead.key());
            List<Object[]> combined = new ArrayList<>(2);
            while (lookahead != null && hash(lookahead.key()) == h) {
                Object[] match = null;
                for (Object[] entry : combined) {
                    if (java.util.Objects.equals(entry[0], lookahead.key())) {
                        match = entry;
                        break;
                    }
                }
                if (match == null) {
                    combined.add(new Object[] {lookahead.key(), lookahead.value()});
                } else {
                    match[1] = aggregator.merge(match[1], lookahead.value());
                }
                lookahead = input.hasNext() ? input.next() : null;
            }
            List<Pair<Object, Object>> out = new ArrayList<>(combined.size());
            combined.forEach(e -> out.add(Pair.of(e[0], e[1])));
            group = out.iterator();
            return true;
        }

        @Override
        public Pair<Object, Object> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return group.next();
        }
    }

    /** Deletes spill files and releases memory; safe to call more than once. */
    @Override
    public void close() {
        RuntimeException failure = null;
        if (spillInputs != null) {
            for (RecordInput input : spillInputs) {
                try {
                    input.close();
                } catch (IOException e) {
                    failure = failure == null ? new UncheckedIOException(e) : failure;
                }
            }
            spillInputs = null;
        }
        for (Spill spill : spills) {
            try {
                Files.deleteIfExists(spill.file());
            } catch (IOException e) {
                failure = failure == null ? new UncheckedIOException(e) : failure;
            }
        }
        spills.clear();
        lists = null;
        table = null;
        grouped = null;
        memory.releaseExecution(context.attemptId().taskId(), granted);
        granted = 0;
        if (failure != null) {
            throw failure;
        }
    }
}
