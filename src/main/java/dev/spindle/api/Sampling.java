package dev.spindle.api;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/** Per-partition sampling: Bernoulli without replacement, Poisson with replacement. */
final class Sampling {
    private Sampling() {
    }

    static <T> Iterator<T> sample(Iterator<T> input, boolean withReplacement, double fraction, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return new Iterator<>() {
            private T current;
            private int copiesLeft;

            @Override
            public boolean hasNext() {
                while (copiesLeft == 0 && input.hasNext()) {
                    current = input.next();
                    copiesLeft = withReplacement ? poisson(random, fraction) : (random.nextDouble() < fraction ? 1 : 0);
                }
                return copiesLeft > 0;
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                copiesLeft--;
                return current;
            }
        };
    }

    /** Knuth's method; fine for the small means sampling uses. */
    private static int poisson(SplittableRandom random, double mean) {
        double limit = Math.exp(-mean);
        double product = random.nextDouble();
        int n = 0;
        while (product > limit) {
            n++;
            product *= random.nextDouble();
        }
        return n;
    }
}
