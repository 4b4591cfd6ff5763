package dev.spindle.api;

import dev.spindle.common.Pair;
import dev.spindle.plan.Partitioner;
import dev.spindle.plan.RangePartitioner;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Chooses the bounds of a {@link RangePartitioner} from a sample of the keys: one job samples each partition
 * (reservoir sampling, weighted by the partition's size), the driver sorts the sample and cuts it into ranges of
 * about equal weight.
 */
final class RangeBounds {
    private static final int SAMPLES_PER_OUTPUT_PARTITION = 60;
    private static final int MAX_SAMPLE = 1_000_000;

    private RangeBounds() {
    }

    /** The sample of one partition: up to {@code size} keys and how many records the partition had. */
    record PartitionSample<K>(ArrayList<K> keys, long count) implements java.io.Serializable {
    }

    static <K, V> Partitioner partitioner(PairDataset<K, V> data, Comparator<K> ordering, boolean ascending,
            int numPartitions) {
        dev.spindle.common.SpindleException.checkArgument(numPartitions > 0,
                "partition count must be positive, got %d", numPartitions);
        if (numPartitions == 1) {
            return new RangePartitioner<K>(List.of(), ordering, ascending);
        }
        int inputs = Math.max(1, data.getNumPartitions());
        int perPartition = (int) Math.min(MAX_SAMPLE / inputs,
                Math.ceil((double) SAMPLES_PER_OUTPUT_PARTITION * numPartitions / inputs));
        List<PartitionSample<K>> samples = data.context().jobs().runAll(data.node(), (ctx, it) -> {
            SplittableRandom random = new SplittableRandom(31L * ctx.attemptId().partition() + 7);
            ArrayList<K> reservoir = new ArrayList<>(perPartition);
            long seen = 0;
            while (it.hasNext()) {
                Pair<K, V> pair = it.next();
                if (reservoir.size() < perPartition) {
                    reservoir.add(pair.key());
                } else {
                    long slot = random.nextLong(seen + 1);
                    if (slot < perPartition) {
                        reservoir.set((int) slot, pair.key());
                    }
                }
                seen++;
            }
            return new PartitionSample<>(reservoir, seen);
        }, "sortByKey (sampling)");
        List<Pair<K, Double>> weighted = new ArrayList<>();
        for (PartitionSample<K> sample : samples) {
            if (sample.keys().isEmpty()) {
                continue;
            }
            double weight = (double) sample.count() / sample.keys().size();
            sample.keys().forEach(k -> weighted.add(Pair.of(k, weight)));
        }
        weighted.sort((a, b) -> ordering.compare(a.key(), b.key()));
        return new RangePartitioner<>(bounds(weighted, ordering, numPartitions), ordering, ascending);
    }

    /** Up to {@code partitions - 1} distinct keys cutting the weighted sample into equal-weight ranges. */
    static <K> List<K> bounds(List<Pair<K, Double>> sortedSample, Comparator<K> ordering, int partitions) {
        double total = 0;
        for (Pair<K, Double> p : sortedSample) {
            total += p.value();
        }
        double step = total / partitions;
        List<K> bounds = new ArrayList<>();
        double cumulative = 0;
        double target = step;
        K previous = null;
        for (Pair<K, Double> p : sortedSample) {
            cumulative += p.value();
            if (cumulative >= target && bounds.size() < partitions - 1) {
                if (previous == null || ordering.compare(p.key(), previous) > 0) {
                    bounds.add(p.key());
                    previous = p.key();
                    target += step;
                }
            }
        }
        return bounds;
    }
}
