package dev.spindle.shuffle;

import dev.spindle.common.Pair;
import dev.spindle.plan.NaturalOrder;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Sorts key-value records by key. String keys in natural order take a fast path: a radix sort of a 64-bit prefix
 * (the first four UTF-16 units, exactly the order {@link String#compareTo} gives them), then a comparison sort
 * of the few runs whose prefixes tie. Against a comparison sort of the records this avoids most key
 * comparisons and the pointer chasing each one costs. Any other key type or ordering is sorted by comparison.
 */
final class KeySorter {
    private static final int MIN_RADIX = 1024;
    private static final int DIGIT_BITS = 16;
    private static final int DIGITS = 1 << DIGIT_BITS;

    private KeySorter() {
    }

    static void sort(List<Pair<Object, Object>> records, Comparator<Object> ordering) {
        if (records.size() >= MIN_RADIX && ordering instanceof NaturalOrder && allStrings(records)) {
            sortStrings(records, ordering);
        } else {
            records.sort((a, b) -> ordering.compare(a.key(), b.key()));
        }
    }

    private static boolean allStrings(List<Pair<Object, Object>> records) {
        for (Pair<Object, Object> record : records) {
            if (!(record.key() instanceof String)) {
                return false;
            }
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private static void sortStrings(List<Pair<Object, Object>> records, Comparator<Object> ordering) {
        int n = records.size();
        // A copy in a ChunkedList, not an array: see ChunkedList for why large reference arrays cost here.
        List<Pair<Object, Object>> input = new ChunkedList<>(records);
        long[] prefixes = new long[n];
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            prefixes[i] = prefix((String) input.get(i).key());
            order[i] = i;
        }
        radixSort(prefixes, order, n);
        sortTies(prefixes, order, n, i -> input.get(i).key(), ordering);
        for (int i = 0; i < n; i++) {
            records.set(i, input.get(order[i]));
        }
    }

    /**
     * Orders each run of {@code order[0, n)} whose prefixes are equal (after {@link #radixSort}) by comparing the
     * full keys; {@code keyOf} gives record {@code i}'s key, called once per record of a run.
     */
    static void sortTies(long[] prefixes, int[] order, int n, IntFunction<Object> keyOf,
            Comparator<Object> ordering) {
        for (int start = 0; start < n; ) {
            long prefix = prefixes[order[start]];
            int end = start + 1;
            while (end < n && prefixes[order[end]] == prefix) {
                end++;
            }
            int length = end - start;
            if (length > 1) {
                Object[] keys = new Object[length];
                Integer[] run = new Integer[length];
                for (int i = 0; i < length; i++) {
                    keys[i] = keyOf.apply(order[start + i]);
                    run[i] = i;
                }
                Arrays.sort(run, (a, b) -> ordering.compare(keys[a], keys[b]));
                int[] records = Arrays.copyOfRange(order, start, end);
                for (int i = 0; i < length; i++) {
                    order[start + i] = records[run[i]];
                }
            }
            start = end;
        }
    }

    /** The first four UTF-16 units as an unsigned 64-bit number; shorter keys pad with 0. */
    static long prefix(String key) {
        long prefix = 0;
        for (int i = 0; i < 4; i++) {
            prefix = (prefix << 16) | (i < key.length() ? key.charAt(i) : 0);
        }
        return prefix;
    }

    /**
     * Stable LSD radix sort of {@code order[0, n)} by {@code prefixes[order[i]]} as unsigned numbers, 16 bits a
     * pass.
     */
    static void radixSort(long[] prefixes, int[] order, int n) {
        if (n == 0) {
            return;
        }
        int[] buffer = new int[n];
        int[] counts = new int[DIGITS];
        for (int shift = 0; shift < 64; shift += DIGIT_BITS) {
            Arrays.fill(counts, 0);
            for (int i = 0; i < n; i++) {
                counts[digit(prefixes[order[i]], shift)]++;
            }
            if (counts[digit(prefixes[order[0]], shift)] == n) {
                continue; // every record has the same digit here: the pass would not move anything
            }
            int sum = 0;
            for (int d = 0; d < DIGITS; d++) {
                int c = counts[d];
                counts[d] = sum;
                sum += c;
            }
            for (int i = 0; i < n; i++) {
                buffer[counts[digit(prefixes[order[i]], shift)]++] = order[i];
            }
            System.arraycopy(buffer, 0, order, 0, n);
        }
    }

    private static int digit(long prefix, int shift) {
        return (int) ((prefix >>> shift) & (DIGITS - 1));
    }
}
