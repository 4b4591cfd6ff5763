package dev.spindle.shuffle;

/**
 * The combiner types both combine tables keep unboxed, as the 64 bits of a long: a count, a sum, a rank. The
 * merge functions still see boxes, boxed afresh from the bits.
 */
enum NumericCombiner {
    INT, LONG, DOUBLE;

    /** The kind of {@code combiner}, or null when it is not one of these. */
    static NumericCombiner of(Object combiner) {
        if (combiner instanceof Integer) {
            return INT;
        } else if (combiner instanceof Long) {
            return LONG;
        } else if (combiner instanceof Double) {
            return DOUBLE;
        }
        return null;
    }

    /** True when {@code combiner} is of this kind. */
    boolean holds(Object combiner) {
        return switch (this) {
            case INT -> combiner instanceof Integer;
            case LONG -> combiner instanceof Long;
            case DOUBLE -> combiner instanceof Double;
        };
    }

    /** The bits of {@code combiner}, which must be of this kind. */
    long bits(Object combiner) {
        return switch (this) {
            case INT -> (Integer) combiner;
            case LONG -> (Long) combiner;
            case DOUBLE -> Double.doubleToRawLongBits((Double) combiner);
        };
    }

    /** The combiner whose bits these are. */
    Object box(long bits) {
        return switch (this) {
            case INT -> (int) bits;
            case LONG -> bits;
            case DOUBLE -> Double.longBitsToDouble(bits);
        };
    }
}
