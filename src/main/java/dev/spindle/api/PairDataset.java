package dev.spindle.api;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.Pair;
import dev.spindle.function.FlatMapFunction;
import dev.spindle.function.Function;
import dev.spindle.function.Function2;
import dev.spindle.plan.Aggregator;
import dev.spindle.plan.CoGroupedNode;
import dev.spindle.plan.HashJoinNode;
import dev.spindle.plan.HashPartitioner;
import dev.spindle.plan.MapPartitionsNode;
import dev.spindle.plan.Node;
import dev.spindle.plan.NodeInfo;
import dev.spindle.plan.Partitioner;
import dev.spindle.plan.ShuffleDependency;
import dev.spindle.plan.ShuffledNode;
import dev.spindle.plan.StorageLevel;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A dataset of key-value {@link Pair}s, with the operations that group, combine, join and sort by key. Operations
 * that name no partition count use {@code spindle.default.parallelism}, or the partitioner of an input that is
 * already partitioned (so that co-partitioned joins need no shuffle of that input).
 */
public class PairDataset<K, V> extends Dataset<Pair<K, V>> {

    PairDataset(Context context, Node<Pair<K, V>> node) {
        super(context, node);
    }

    // ---- combining by key -------------------------------------------------------------------

    /**
     * The general per-key aggregation: the first value of a key becomes a combiner ({@code createCombiner}),
     * later values merge into it ({@code mergeValue}), combiners of different map tasks merge
     * ({@code mergeCombiners}). Combines map-side before the shuffle, and spills to disk when memory runs short.
     */
    public <C> PairDataset<K, C> combineByKey(Function<V, C> createCombiner, Function2<C, V, C> mergeValue,
            Function2<C, C, C> mergeCombiners, Partitioner partitioner) {
        return combineByKey(new Aggregator<>(createCombiner, mergeValue, mergeCombiners), partitioner, true,
                "combineByKey");
    }

    public <C> PairDataset<K, C> combineByKey(Function<V, C> createCombiner, Function2<C, V, C> mergeValue,
            Function2<C, C, C> mergeCombiners, int numPartitions) {
        return combineByKey(createCombiner, mergeValue, mergeCombiners, new HashPartitioner(numPartitions));
    }

    public <C> PairDataset<K, C> combineByKey(Function<V, C> createCombiner, Function2<C, V, C> mergeValue,
            Function2<C, C, C> mergeCombiners) {
        return combineByKey(createCombiner, mergeValue, mergeCombiners, defaultPartitioner());
    }

    private <C> PairDataset<K, C> combineByKey(Aggregator<K, V, C> aggregator, Partitioner partitioner,
            boolean mapSideCombine, String operation) {
        requireNonNull(partitioner, "partitioner is null");
        if (node().partitioner().equals(java.util.Optional.of(partitioner))) {
            // Already partitioned this way: combine within each partition, no shuffle.
            return new PairDataset<>(context(), new MapPartitionsNode<Pair<K, V>, Pair<K, C>>(context().info(operation),
                    node(), (ctx, p, it) -> LocalCombine.combine(it, aggregator), true));
        }
        ShuffleDependency<K, V, C> dep = new ShuffleDependency<>(node(), context().newShuffleId(), partitioner,
                aggregator, mapSideCombine, null);
        return new PairDataset<>(context(), new ShuffledNode<>(context().info(operation), dep));
    }

    public PairDataset<K, V> reduceByKey(Function2<V, V, V> f) {
        return reduceByKey(f, defaultPartitioner());
    }

    public PairDataset<K, V> reduceByKey(Function2<V, V, V> f, int numPartitions) {
        return reduceByKey(f, new HashPartitioner(numPartitions));
    }

    public PairDataset<K, V> reduceByKey(Function2<V, V, V> f, Partitioner partitioner) {
        requireNonNull(f, "f is null");
        return combineByKey(new Aggregator<K, V, V>(v -> v, f, f), partitioner, true, "reduceByKey");
    }

    public PairDataset<K, V> foldByKey(V zero, Function2<V, V, V> f) {
        return foldByKey(zero, f, defaultPartitioner());
    }

    public PairDataset<K, V> foldByKey(V zero, Function2<V, V, V> f, Partitioner partitioner) {
        requireNonNull(f, "f is null");
        ZeroValues.Zero<V> z = ZeroValues.of(zero, context());
        return combineByKey(new Aggregator<K, V, V>(v -> f.call(z.get(), v), f, f), partitioner, true, "foldByKey");
    }

    public <U> PairDataset<K, U> aggregateByKey(U zero, Function2<U, V, U> seqOp, Function2<U, U, U> combOp) {
        return aggregateByKey(zero, seqOp, combOp, defaultPartitioner());
    }

    public <U> PairDataset<K, U> aggregateByKey(U zero, Function2<U, V, U> seqOp, Function2<U, U, U> combOp,
            int numPartitions) {
        return aggregateByKey(zero, seqOp, combOp, new HashPartitioner(numPartitions));
    }

    public <U> PairDataset<K, U> aggregateByKey(U zero, Function2<U, V, U> seqOp, Function2<U, U, U> combOp,
            Partitioner partitioner) {
        requireNonNull(seqOp, "seqOp is null");
        requireNonNull(combOp, "combOp is null");
        ZeroValues.Zero<U> z = ZeroValues.of(zero, context());
        return combineByKey(new Aggregator<K, V, U>(v -> seqOp.call(z.get(), v), seqOp, combOp), partitioner, true,
                "aggregateByKey");
    }

    /** All values of each key in one list. Prefer reduceByKey/aggregateByKey when you only need a summary. */
    public PairDataset<K, List<V>> groupByKey() {
        return groupByKey(defaultPartitioner());
    }

    public PairDataset<K, List<V>> groupByKey(int numPartitions) {
        return groupByKey(new HashPartitioner(numPartitions));
    }

    public PairDataset<K, List<V>> groupByKey(Partitioner partitioner) {
        Aggregator<K, V, List<V>> aggregator = new Aggregator<>(
                v -> {
                    List<V> list = new ArrayList<>(4);
                    list.add(v);
                    return list;
                },
                (list, v) -> {
                    list.add(v);
                    return list;
                },
                (a, b) -> {
                    a.addAll(b);
                    return a;
                });
        return combineByKey(aggregator, partitioner, false, "groupByKey");
    }

    /** Moves each pair to the partition {@code partitioner} assigns its key (a shuffle unless already so). */
    public PairDataset<K, V> partitionBy(Partitioner partitioner) {
        requireNonNull(partitioner, "partitioner is null");
        if (node().partitioner().equals(java.util.Optional.of(partitioner))) {
            return this;
        }
        ShuffleDependency<K, V, V> dep = new ShuffleDependency<>(node(), context().newShuffleId(), partitioner, null,
                false, null);
        return new PairDataset<>(context(), new ShuffledNode<>(context().info("partitionBy"), dep));
    }

    // ---- per-value transformations ----------------------------------------------------------------

    /** Transforms each value, keeping keys and partitioning (no shuffle needed by a later join or reduce). */
    public <U> PairDataset<K, U> mapValues(Function<V, U> f) {
        requireNonNull(f, "f is null");
        NodeInfo info = context().info("mapValues");
        return new PairDataset<>(context(), new MapPartitionsNode<Pair<K, V>, Pair<K, U>>(info, node(),
                (ctx, p, it) -> Iterators.map(it, pair -> Pair.of(pair.key(), f.call(pair.value())), info), true));
    }

    public <U> PairDataset<K, U> flatMapValues(FlatMapFunction<V, U> f) {
        requireNonNull(f, "f is null");
        NodeInfo info = context().info("flatMapValues");
        return new PairDataset<>(context(), new MapPartitionsNode<Pair<K, V>, Pair<K, U>>(info, node(),
                (ctx, p, it) -> Iterators.flatMap(it, pair -> {
                    Iterator<U> values = f.call(pair.value());
                    return Iterators.map(values, u -> Pair.of(pair.key(), u), info);
                }, info), true));
    }

    public Dataset<K> keys() {
        NodeInfo info = context().info("keys");
        return new Dataset<>(context(), new MapPartitionsNode<Pair<K, V>, K>(info, node(),
                (ctx, p, it) -> Iterators.map(it, Pair::key, info), false));
    }

    public Dataset<V> values() {
        NodeInfo info = context().info("values");
        return new Dataset<>(context(), new MapPartitionsNode<Pair<K, V>, V>(info, node(),
                (ctx, p, it) -> Iterators.map(it, Pair::value, info), false));
    }

    // ---- joins -----------------------------------------------------------------------------------

    /** For each key, the values of this dataset and of {@code other}. */
    public <W> PairDataset<K, Pair<List<V>, List<W>>> cogroup(PairDataset<K, W> other) {
        return cogroup(other, defaultPartitioner(other));
    }

    @SuppressWarnings("unchecked")
    public <W> PairDataset<K, Pair<List<V>, List<W>>> cogroup(PairDataset<K, W> other, Partitioner partitioner) {
        checkSameContext(other);
        Context ctx = context();
        CoGroupedNode<K> grouped = new CoGroupedNode<>(ctx.info("cogroup"), List.<Node<? extends Pair<K, ?>>>of(node(), other.node()), partitioner,
                ctx::newShuffleId);
        NodeInfo info = ctx.info("cogroup");
        return new PairDataset<>(ctx, new MapPartitionsNode<Pair<K, List<List<Object>>>, Pair<K, Pair<List<V>, List<W>>>>(
                info, grouped, (tc, p, it) -> Iterators.map(it, g -> Pair.of(g.key(),
                        Pair.of((List<V>) g.value().get(0), (List<W>) g.value().get(1))), info), true));
    }

    /** Pairs of values for each key in both datasets (inner join). */
    public <W> PairDataset<K, Pair<V, W>> join(PairDataset<K, W> other) {
        return join(other, defaultPartitioner(other));
    }

    public <W> PairDataset<K, Pair<V, W>> join(PairDataset<K, W> other, int numPartitions) {
        return join(other, new HashPartitioner(numPartitions));
    }

    /** A hash join per partition: {@code other}'s side of each partition is held in memory, so make it the smaller. */
    public <W> PairDataset<K, Pair<V, W>> join(PairDataset<K, W> other, Partitioner partitioner) {
        checkSameContext(other);
        Context ctx = context();
        return new PairDataset<>(ctx, new HashJoinNode<>(ctx.info("join"), node(), other.node(), partitioner,
                ctx::newShuffleId));
    }

    /** Every pair of this dataset, with the matching values of {@code other} or an empty Optional. */
    public <W> PairDataset<K, Pair<V, Optional<W>>> leftOuterJoin(PairDataset<K, W> other) {
        return cogroup(other, defaultPartitioner(other)).flatMapValues(Joins::leftOuter);
    }

    public <W> PairDataset<K, Pair<Optional<V>, W>> rightOuterJoin(PairDataset<K, W> other) {
        return cogroup(other, defaultPartitioner(other)).flatMapValues(Joins::rightOuter);
    }

    public <W> PairDataset<K, Pair<Optional<V>, Optional<W>>> fullOuterJoin(PairDataset<K, W> other) {
        return cogroup(other, defaultPartitioner(other)).flatMapValues(Joins::fullOuter);
    }

    // ---- sorting -----------------------------------------------------------------------------------

    /** Sorted by key (natural order), in globally ordered partitions: part-00000 holds the smallest keys. */
    public PairDataset<K, V> sortByKey() {
        return sortByKey(true);
    }

    public PairDataset<K, V> sortByKey(boolean ascending) {
        return sortByKey(ascending, getNumPartitions());
    }

    public PairDataset<K, V> sortByKey(boolean ascending, int numPartitions) {
        return sortByKeyWith(Dataset.naturalOrder(), ascending, numPartitions);
    }

    /** Sorted by {@code comparator}, which must be Serializable (a lambda cast to a serializable type). */
    public <C extends Comparator<K> & Serializable> PairDataset<K, V> sortByKey(C comparator, boolean ascending,
            int numPartitions) {
        return sortByKeyWith(comparator, ascending, numPartitions);
    }

    private PairDataset<K, V> sortByKeyWith(Comparator<K> ordering, boolean ascending, int numPartitions) {
        Partitioner partitioner = RangeBounds.partitioner(this, ordering, ascending, numPartitions);
        Comparator<K> keyOrder = ascending ? ordering : new Reversed<>(ordering);
        ShuffleDependency<K, V, V> dep = new ShuffleDependency<>(node(), context().newShuffleId(), partitioner, null,
                false, keyOrder);
        return new PairDataset<>(context(), new ShuffledNode<>(context().info("sortByKey"), dep));
    }

    /** A serializable reversed comparator. */
    record Reversed<K>(Comparator<K> ordering) implements Comparator<K>, Serializable {
        @Override
        public int compare(K a, K b) {
            return ordering.compare(b, a);
        }
    }

    // ---- actions -------------------------------------------------------------------------------------

    public Map<K, Long> countByKey() {
        return mapValues(v -> 1L).reduceByKey(Long::sum).collectAsMap();
    }

    /** All pairs as a map; for duplicate keys, the last pair in partition order wins. */
    public Map<K, V> collectAsMap() {
        Map<K, V> map = new HashMap<>();
        for (Pair<K, V> pair : collect()) {
            map.put(pair.key(), pair.value());
        }
        return map;
    }

    /** The values of {@code key}; scans only its partition when the partitioning is known. */
    public List<V> lookup(K key) {
        java.util.Optional<Partitioner> partitioner = node().partitioner();
        dev.spindle.plan.ResultFunction<Pair<K, V>, ArrayList<V>> job = (ctx, it) -> {
            ArrayList<V> out = new ArrayList<>();
            while (it.hasNext()) {
                Pair<K, V> pair = it.next();
                if (java.util.Objects.equals(pair.key(), key)) {
                    out.add(pair.value());
                }
            }
            return out;
        };
        List<ArrayList<V>> parts = partitioner.isPresent()
                ? context().jobs().run(node(), job, List.of(partitioner.get().partition(key)), "lookup")
                : context().jobs().runAll(node(), job, "lookup");
        List<V> values = new ArrayList<>();
        parts.forEach(values::addAll);
        return values;
    }

    // ---- pair-preserving overrides -------------------------------------------------------------------

    @Override
    public PairDataset<K, V> filter(Function<Pair<K, V>, Boolean> predicate) {
        return new PairDataset<>(context(), super.filter(predicate).node());
    }

    @Override
    public PairDataset<K, V> cache() {
        super.cache();
        return this;
    }

    @Override
    public PairDataset<K, V> persist(StorageLevel level) {
        super.persist(level);
        return this;
    }

    @Override
    public PairDataset<K, V> unpersist() {
        super.unpersist();
        return this;
    }

    public PairDataset<K, V> union(PairDataset<K, V> other) {
        return new PairDataset<>(context(), super.union(other).node());
    }

    @Override
    public PairDataset<K, V> distinct() {
        return new PairDataset<>(context(), super.distinct().node());
    }

    @Override
    public PairDataset<K, V> distinct(int numPartitions) {
        return new PairDataset<>(context(), super.distinct(numPartitions).node());
    }

    @Override
    public PairDataset<K, V> sample(boolean withReplacement, double fraction, long seed) {
        return new PairDataset<>(context(), super.sample(withReplacement, fraction, seed).node());
    }

    @Override
    public PairDataset<K, V> coalesce(int numPartitions) {
        return new PairDataset<>(context(), super.coalesce(numPartitions).node());
    }

    @Override
    public PairDataset<K, V> repartition(int numPartitions) {
        return new PairDataset<>(context(), super.repartition(numPartitions).node());
    }

    // ---- partitioner choice ----------------------------------------------------------------------------

    Partitioner defaultPartitioner(Dataset<?>... others) {
        Partitioner best = node().partitioner().orElse(null);
        for (Dataset<?> other : others) {
            Partitioner p = other.node().partitioner().orElse(null);
            if (p != null && (best == null || p.numPartitions() > best.numPartitions())) {
                best = p;
            }
        }
        return best != null ? best : new HashPartitioner(context().defaultParallelism());
    }
}
