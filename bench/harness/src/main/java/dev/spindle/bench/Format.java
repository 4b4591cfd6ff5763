package dev.spindle.bench;

import java.util.Locale;

/** Numbers as the report shows them. */
final class Format {
    private Format() {
    }

    /** Seconds with a unit that keeps 3 significant digits readable: 12.3 s, 1.23 s, 45.6 ms, 789 µs. */
    static String duration(double seconds) {
        if (seconds >= 1) {
            return String.format(Locale.ROOT, "%.2f s", seconds);
        }
        if (seconds >= 1e-3) {
            return String.format(Locale.ROOT, "%.1f ms", seconds * 1e3);
        }
        return String.format(Locale.ROOT, "%.0f µs", seconds * 1e6);
    }

    static String rate(double perSecond, String unit) {
        if (perSecond >= 100) {
            return String.format(Locale.ROOT, "%,.0f %s", perSecond, unit);
        }
        return String.format(Locale.ROOT, "%.2f %s", perSecond, unit);
    }

    static String ratio(double ratio) {
        return String.format(Locale.ROOT, "%.2f×", ratio);
    }

    /** A factor without the × sign, as in "takes 1.30 times as long". */
    static String factor(double factor) {
        return String.format(Locale.ROOT, "%.2f", factor);
    }

    static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    /** 1,234 / 12.3k / 1.23M. */
    static String count(long n) {
        if (n >= 1_000_000) {
            return String.format(Locale.ROOT, "%.1fM", n / 1e6);
        }
        if (n >= 10_000) {
            return String.format(Locale.ROOT, "%.0fk", n / 1e3);
        }
        return String.format(Locale.ROOT, "%,d", n);
    }
}
