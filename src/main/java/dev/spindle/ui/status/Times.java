package dev.spindle.ui.status;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Times as Spark's REST API writes them: {@code 2026-12-02T02:05:00.123GMT}. */
public final class Times {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'GMT'")
            .withZone(ZoneOffset.UTC);

    private Times() {
    }

    /** The time, or null when {@code epochMillis} is negative (not happened yet). */
    public static String format(long epochMillis) {
        return epochMillis < 0 ? null : FORMAT.format(Instant.ofEpochMilli(epochMillis));
    }
}
