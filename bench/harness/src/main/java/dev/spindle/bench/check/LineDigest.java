package dev.spindle.bench.check;

/** An order-independent digest of lines: how many, and the sum of a 64-bit mix of each line's hash. */
final class LineDigest {
    private long lines;
    private long sum;

    void add(String line) {
        lines++;
        sum += mix(line.hashCode());
    }

    long lines() {
        return lines;
    }

    long sum() {
        return sum;
    }

    /** The 64-bit finaliser of MurmurHash3, so that sums of different line sets rarely collide. */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LineDigest that && lines == that.lines && sum == that.sum;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(lines * 31 + sum);
    }
}
