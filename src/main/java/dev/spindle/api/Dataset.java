package dev.spindle.api;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.Pair;
import dev.spindle.common.SpindleException;
import dev.spindle.function.FlatMapFunction;
import dev.spindle.function.Function;
import dev.spindle.function.Function2;
import dev.spindle.function.PairFunction;
import dev.spindle.function.PartitionFunction;
import dev.spindle.function.VoidFunction;
import dev.spindle.plan.CoalescedNode;
import dev.spindle.plan.HashPartitioner;
import dev.spindle.plan.MapPartitionsNode;
import dev.spindle.plan.NaturalOrder;
import dev.spindle.plan.Node;
import dev.spindle.plan.NodeInfo;
import dev.spindle.plan.StorageLevel;
import dev.spindle.plan.UnionNode;
import dev.spindle.plan.UserCodeException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * A distributed, immutable collection of elements, computed lazily from its lineage when an action runs.
 * Transformations ({@code map}, {@code filter}, ...) return new datasets; actions ({@code collect},
 * {@code count}, {@code saveAsTextFile}, ...) run jobs. Not serializable: use datasets on the driver only,
 * never inside another dataset's functions.
 */
public class Dataset<T> {
    private final Context context;
    private final Node<T> node;

    Dataset(Context context, Node<T> node) {
        this.context = requireNonNull(context, "context is null");
        this.node = requireNonNull(node, "node is null");
    }

    public Context context() {
        return context;
    }

    /** The lineage node behind this dataset. */
    public Node<T> node() {
        return node;
    }

    public int id() {
        return node.id();
    }

    public int getNumPartitions() {
        return node.numPartitions();
    }

    /** The lineage, one node per line, shuffle boundaries indented. */
    public String toDebugString() {
        return node.toDebugString();
    }

    @Override
    public String toString() {
        return node.toString();
    }

    // ---- transformations -------------------------------------------------------------------

    <U> Dataset<U> withTransform(String operation, MapPartitionsNode.Transform<T, U> transform, boolean keepsPartitioner) {
        return new Dataset<>(context, new MapPartitionsNode<>(context.info(operation), node, transform, keepsPartitioner));
    }

    public <R> Dataset<R> map(Function<T, R> f) {
        requireNonNull(f, "f is null");
        NodeInfo info = context.info("map");
        return new Dataset<>(context, new MapPartitionsNode<>(info, node,
                (ctx, p, it) -> Iterators.map(it, f, info), false));
    }

    public Dataset<T> filter(Function<T, Boolean> predicate) {
        requireNonNull(predicate, "predicate is null");
        NodeInfo info = context.info("filter");
        return new Dataset<>(context, new MapPartitionsNode<>(info, node,
                (ctx, p, it) -> Iterators.filter(it, predicate, info), true));
    }

    public <R> Dataset<R> flatMap(FlatMapFunction<T, R> f) {
        requireNonNull(f, "f is null");
        NodeInfo info = context.info("flatMap");
        return new Dataset<>(context, new MapPartitionsNode<>(info, node,
                (ctx, p, it) -> Iterators.flatMap(it, f, info), false));
    }

    /** Applies {@code f} to each whole partition (set up a connection once per partition, for example). */
    public <R> Dataset<R> mapPartitions(FlatMapFunction<Iterator<T>, R> f) {
        requireNonNull(f, "f is null");
        return new Dataset<>(context, new MapPartitionsNode<>(context.info("mapPartitions"), node,
                (ctx, p, it) -> f.call(it), false));
    }

    public <R> Dataset<R> mapPartitionsWithIndex(PartitionFunction<T, R> f) {
        requireNonNull(f, "f is null");
        return new Dataset<>(context, new MapPartitionsNode<>(context.info("mapPartitionsWithIndex"), node,
                (ctx, p, it) -> f.call(p, it), false));
    }

    public <K, V> PairDataset<K, V> mapToPair(PairFunction<T, K, V> f) {
        requireNonNull(f, "f is null");
        NodeInfo info = context.info("mapToPair");
        return new PairDataset<>(context, new MapPartitionsNode<T, Pair<K, V>>(info, node,
                (ctx, p, it) -> Iterators.map(it, f::call, info), false));
    }

    public <K, V> PairDataset<K, V> flatMapToPair(FlatMapFunction<T, Pair<K, V>> f) {
        requireNonNull(f, "f is null");
        NodeInfo info = context.info("flatMapToPair");
        return new PairDataset<>(context, new MapPartitionsNode<>(info, node,
                (ctx, p, it) -> Iterators.flatMap(it, f, info), false));
    }

    public <K> PairDataset<K, T> keyBy(Function<T, K> f) {
        requireNonNull(f, "f is null");
        NodeInfo info = context.info("keyBy");
        return new PairDataset<>(context, new MapPartitionsNode<T, Pair<K, T>>(info, node,
                (ctx, p, it) -> Iterators.map(it, x -> Pair.of(f.call(x), x), info), false));
    }

    public Dataset<T> distinct() {
        return distinct(context.defaultParallelism());
    }

    public Dataset<T> distinct(int numPartitions) {
        return this.<T, Object>mapToPair(x -> Pair.of(x, null))
                .reduceByKey((a, b) -> a, numPartitions)
                .keys();
    }

    public Dataset<T> union(Dataset<T> other) {
        checkSameContext(other);
        return new Dataset<>(context, new UnionNode<>(context.info("union"), List.of(node, other.node)));
    }

    /**
     * A random sample: each element kept with probability {@code fraction} (without replacement), or present a
     * Poisson({@code fraction}) number of times (with replacement). Deterministic for a given seed.
     */
    public Dataset<T> sample(boolean withReplacement, double fraction, long seed) {
        SpindleException.checkArgument(fraction >= 0 && (withReplacement || fraction <= 1),
                "sample fraction %s must be in [0, 1] without replacement, or >= 0 with replacement", fraction);
        return withTransform("sample", (ctx, p, it) -> Sampling.sample(it, withReplacement, fraction, seed + p), true);
    }

    /** {@code numPartitions} partitions of about equal size, through a shuffle. */
    public Dataset<T> repartition(int numPartitions) {
        return coalesce(numPartitions, true);
    }

    /** Fewer partitions without a shuffle (consecutive partitions merged). */
    public Dataset<T> coalesce(int numPartitions) {
        return coalesce(numPartitions, false);
    }

    public Dataset<T> coalesce(int numPartitions, boolean shuffle) {
        SpindleException.checkArgument(numPartitions > 0, "partition count must be positive, got %d", numPartitions);
        if (!shuffle) {
            return new Dataset<>(context, new CoalescedNode<>(context.info("coalesce"), node, numPartitions));
        }
        // Spread each input partition round-robin over the outputs, from a position that depends on the partition.
        PairDataset<Integer, T> keyed = new PairDataset<>(context, new MapPartitionsNode<T, Pair<Integer, T>>(
                context.info("repartition"), node, (ctx, p, it) -> roundRobin(p, it, numPartitions), false));
        return keyed.partitionBy(new HashPartitioner(numPartitions)).values();
    }

    /** Keys records with consecutive output partitions, from a starting point that depends on the input one. */
    private static <T> Iterator<Pair<Integer, T>> roundRobin(int partition, Iterator<T> records, int numPartitions) {
        return new Iterator<>() {
            private int position = new java.util.Random(partition).nextInt(numPartitions);

            @Override
            public boolean hasNext() {
                return records.hasNext();
            }

            @Override
            public Pair<Integer, T> next() {
                position = (position + 1) % numPartitions;
                return Pair.of(position, records.next());
            }
        };
    }

    public <K> Dataset<T> sortBy(Function<T, K> key, boolean ascending, int numPartitions) {
        return keyBy(key).sortByKey(ascending, numPartitions).values();
    }

    public <K> Dataset<T> sortBy(Function<T, K> key, boolean ascending) {
        return sortBy(key, ascending, getNumPartitions());
    }

    /** Each element with its position in the dataset (partition order); runs a job to count partitions first. */
    public PairDataset<T, Long> zipWithIndex() {
        List<Long> counts = context.jobs().runAll(node, (ctx, it) -> {
            long n = 0;
            for (; it.hasNext(); it.next()) {
                n++;
            }
            return n;
        }, "zipWithIndex");
        long[] offsets = new long[counts.size()];
        for (int i = 1; i < offsets.length; i++) {
            offsets[i] = offsets[i - 1] + counts.get(i - 1);
        }
        NodeInfo info = context.info("zipWithIndex");
        return new PairDataset<>(context, new MapPartitionsNode<T, Pair<T, Long>>(info, node, (ctx, p, it) -> {
            long[] next = {offsets[p]};
            return Iterators.map(it, x -> Pair.of(x, next[0]++), info);
        }, false));
    }

    // ---- persistence ---------------------------------------------------------------------

    /** Keeps computed partitions in memory ({@link StorageLevel#MEMORY_ONLY}) for later jobs. */
    public Dataset<T> cache() {
        return persist(StorageLevel.MEMORY_ONLY);
    }

    public Dataset<T> persist(StorageLevel level) {
        requireNonNull(level, "level is null");
        StorageLevel current = node.storageLevel();
        if (current != StorageLevel.NONE && current != level) {
            throw SpindleException.invalidArgument("dataset %d is already persisted at %s; unpersist() it before "
                    + "persisting at %s", node.id(), current, level);
        }
        node.setStorageLevel(level);
        return this;
    }

    /** Drops the cached partitions; later jobs recompute them. */
    public Dataset<T> unpersist() {
        node.setStorageLevel(StorageLevel.NONE);
        context.driver().removeCachedNode(node.id());
        return this;
    }

    public StorageLevel getStorageLevel() {
        return node.storageLevel();
    }

    /**
     * Writes this dataset to {@code spindle.checkpoint.dir} after the next job that computes it, and from then on
     * reads it from there instead of recomputing its lineage. Persist it too, or it is computed twice.
     */
    public Dataset<T> checkpoint() {
        context.jobs().checkpointDir(); // fail now, not after the job, when no directory is configured
        node.requestCheckpoint();
        return this;
    }

    public boolean isCheckpointed() {
        return node.isCheckpointed();
    }

    // ---- actions ---------------------------------------------------------------------------

    /** All elements, in partition order. Mind the driver's memory and {@code spindle.driver.maxResultSize}. */
    public List<T> collect() {
        List<ArrayList<T>> parts = context.jobs().runAll(node, (ctx, it) -> {
            ArrayList<T> out = new ArrayList<>();
            it.forEachRemaining(out::add);
            return out;
        }, "collect");
        List<T> all = new ArrayList<>();
        parts.forEach(all::addAll);
        return all;
    }

    public long count() {
        long total = 0;
        for (long n : context.jobs().runAll(node, (ctx, it) -> {
            long c = 0;
            for (; it.hasNext(); it.next()) {
                c++;
            }
            return c;
        }, "count")) {
            total += n;
        }
        return total;
    }

    /** The first {@code n} elements, scanning as few partitions as it can (1, then 4x more each round). */
    public List<T> take(int n) {
        SpindleException.checkArgument(n >= 0, "take(%d): n must not be negative", n);
        List<T> result = new ArrayList<>(Math.min(n, 1024));
        int total = getNumPartitions();
        int scanned = 0;
        int batch = 1;
        while (result.size() < n && scanned < total) {
            int left = n - result.size();
            List<Integer> parts = new ArrayList<>();
            for (int p = scanned; p < Math.min(total, scanned + batch); p++) {
                parts.add(p);
            }
            List<ArrayList<T>> found = context.jobs().run(node, (ctx, it) -> {
                ArrayList<T> out = new ArrayList<>();
                while (out.size() < left && it.hasNext()) {
                    out.add(it.next());
                }
                return out;
            }, parts, "take");
            for (List<T> part : found) {
                for (T x : part) {
                    if (result.size() < n) {
                        result.add(x);
                    }
                }
            }
            scanned += parts.size();
            batch *= 4;
        }
        return result;
    }

    public T first() {
        List<T> one = take(1);
        if (one.isEmpty()) {
            throw new SpindleException(ErrorCode.INVALID_ARGUMENT, "first() on an empty dataset (" + node.info() + ")");
        }
        return one.get(0);
    }

    /** Combines all elements with an associative, commutative {@code f}; fails on an empty dataset. */
    public T reduce(Function2<T, T, T> f) {
        requireNonNull(f, "f is null");
        NodeInfo where = node.info();
        List<ArrayList<T>> partials = context.jobs().runAll(node, (ctx, it) -> {
            ArrayList<T> out = new ArrayList<>(1);
            if (it.hasNext()) {
                T acc = it.next();
                while (it.hasNext()) {
                    acc = f.call(acc, it.next());
                }
                out.add(acc);
            }
            return out;
        }, "reduce");
        T acc = null;
        boolean any = false;
        for (List<T> partial : partials) {
            for (T value : partial) {
                acc = any ? callDriver(f, acc, value, where) : value;
                any = true;
            }
        }
        if (!any) {
            throw new SpindleException(ErrorCode.INVALID_ARGUMENT, "reduce() on an empty dataset (" + node.info()
                    + "); use fold() with a zero value instead");
        }
        return acc;
    }

    /** Like reduce, starting each partition and the final merge from {@code zero} (which must be neutral). */
    public T fold(T zero, Function2<T, T, T> f) {
        return aggregate(zero, f, f);
    }

    /** Folds each partition with {@code seqOp} from {@code zero}, then merges the partials with {@code combOp}. */
    public <U> U aggregate(U zero, Function2<U, T, U> seqOp, Function2<U, U, U> combOp) {
        requireNonNull(seqOp, "seqOp is null");
        requireNonNull(combOp, "combOp is null");
        byte[] zeroBytes = context.driver().closures().serialize(zero, "zero value of aggregate");
        List<U> partials = context.jobs().runAll(node, (ctx, it) -> {
            @SuppressWarnings("unchecked")
            U acc = (U) ZeroValues.copy(zeroBytes);
            while (it.hasNext()) {
                acc = seqOp.call(acc, it.next());
            }
            return acc;
        }, "aggregate");
        U acc = zero;
        for (U partial : partials) {
            acc = callDriver(combOp, acc, partial, node.info());
        }
        return acc;
    }

    public void foreach(VoidFunction<T> f) {
        requireNonNull(f, "f is null");
        context.jobs().runAll(node, (ctx, it) -> {
            while (it.hasNext()) {
                f.call(it.next());
            }
            return null;
        }, "foreach");
    }

    public void foreachPartition(VoidFunction<Iterator<T>> f) {
        requireNonNull(f, "f is null");
        context.jobs().runAll(node, (ctx, it) -> {
            f.call(it);
            return null;
        }, "foreachPartition");
    }

    /** How often each distinct element occurs. */
    public Map<T, Long> countByValue() {
        return this.<T, Long>mapToPair(x -> Pair.of(x, 1L)).reduceByKey(Long::sum).collectAsMap();
    }

    /** Iterates over all elements, fetching one partition at a time (driver memory: the largest partition). */
    public Iterator<T> toLocalIterator() {
        int total = getNumPartitions();
        return new Iterator<>() {
            private int nextPartition;
            private Iterator<T> current = java.util.Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && nextPartition < total) {
                    List<ArrayList<T>> part = context.jobs().run(node, (ctx, it) -> {
                        ArrayList<T> out = new ArrayList<>();
                        it.forEachRemaining(out::add);
                        return out;
                    }, List.of(nextPartition++), "toLocalIterator");
                    current = part.get(0).iterator();
                }
                return current.hasNext();
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return current.next();
            }
        };
    }

    /**
     * Writes each element's {@code toString()} as a line (pairs as {@code key<TAB>value}) into
     * {@code path/part-NNNNN}, committed atomically with a {@code _SUCCESS} marker. Fails before any task runs if
     * {@code path} exists, unless {@code spindle.output.overwrite=true}.
     */
    public void saveAsTextFile(String path) {
        Saving.saveText(context, node, path, null);
    }

    /** As {@link #saveAsTextFile(String)}, compressed with a Hadoop codec class such as {@code GzipCodec}. */
    public void saveAsTextFile(String path, String codecClassName) {
        Saving.saveText(context, node, path, requireNonNull(codecClassName, "codecClassName is null"));
    }

    /** Writes Avro records (GenericRecord or SpecificRecord) as Avro container files with {@code schema}. */
    public void saveAsAvroFile(String path, Schema schema) {
        Saving.saveAvro(context, node, path, requireNonNull(schema, "schema is null"));
    }

    // ---- helpers -------------------------------------------------------------------------------

    void checkSameContext(Dataset<?> other) {
        SpindleException.checkArgument(other.context == context,
                "datasets from different contexts cannot be combined; create both from one Context");
    }

    static <A, B, R> R callDriver(Function2<A, B, R> f, A a, B b, NodeInfo where) {
        try {
            return f.call(a, b);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new UserCodeException(where, e);
        }
    }

    static <K> Comparator<K> naturalOrder() {
        return NaturalOrder.get();
    }
}
