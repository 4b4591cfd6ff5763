package dev.spindle.bench.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Draws ranks {@code 0..n-1} with probability proportional to {@code 1 / (rank + 1)^exponent}. */
final class Zipf {
    private final double[] cumulative;

    Zipf(int n, double exponent) {
        if (n < 1) {
            throw new IllegalArgumentException("Zipf needs at least one rank, got n=" + n);
        }
        if (exponent <= 0) {
            throw new IllegalArgumentException("Zipf exponent must be positive, got " + exponent);
        }
        cumulative = new double[n];
        double sum = 0;
        for (int rank = 0; rank < n; rank++) {
            sum += 1.0 / Math.pow(rank + 1, exponent);
            cumulative[rank] = sum;
        }
        for (int rank = 0; rank < n; rank++) {
            cumulative[rank] /= sum;
        }
    }

    int sample(SplittableRandom random) {
        int found = Arrays.binarySearch(cumulative, random.nextDouble());
        int rank = found >= 0 ? found : -found - 1;
        return Math.min(rank, cumulative.length - 1);
    }
}
