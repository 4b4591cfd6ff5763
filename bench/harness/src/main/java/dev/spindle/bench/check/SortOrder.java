package dev.spindle.bench.check;

import java.util.OptionalLong;

/** Watches lines go by and remembers the first whose key (its first characters) is below the previous key. */
final class SortOrder {
    private final int keyLength;
    private String previous;
    private long lineNo;
    private long firstDisorder = -1;

    SortOrder(int keyLength) {
        this.keyLength = keyLength;
    }

    void add(String line) {
        lineNo++;
        if (firstDisorder < 0 && previous != null && compareKeys(previous, line, keyLength) > 0) {
            firstDisorder = lineNo;
        }
        previous = line;
    }

    /** The 1-based number of the first out-of-order line, if any. */
    OptionalLong firstDisorder() {
        return firstDisorder < 0 ? OptionalLong.empty() : OptionalLong.of(firstDisorder);
    }

    /** Compares the first {@code keyLength} characters of two lines, as the engines' sorts do. */
    static int compareKeys(String a, String b, int keyLength) {
        int lengthA = Math.min(keyLength, a.length());
        int lengthB = Math.min(keyLength, b.length());
        for (int i = 0; i < Math.min(lengthA, lengthB); i++) {
            int diff = a.charAt(i) - b.charAt(i);
            if (diff != 0) {
                return diff;
            }
        }
        return lengthA - lengthB;
    }
}
