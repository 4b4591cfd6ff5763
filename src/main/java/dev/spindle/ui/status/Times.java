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

    /** The epoch milliseconds of a time {@link #format} wrote; -1 for null. */
    public static long parse(String time) {
        return time == null ? -1 : Instant.from(FORMAT.parse(time)).toEpochMilli();
    }

    /** Milliseconds from {@code start} to {@code end}, or to {@code now} when {@code end} is null; -1 without start. */
    public static long between(String start, String end, long now) {
        return start == null ? -1 : (end == null ? now : parse(end)) - parse(start);
    }
}
