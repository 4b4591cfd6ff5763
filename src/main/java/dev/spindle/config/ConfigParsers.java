package dev.spindle.config;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for the string forms of config values: byte sizes, durations, numbers, booleans. */
public final class ConfigParsers {
    private static final Pattern BYTES = Pattern.compile("(\\d+)\\s*([kmgt]?)b?", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|min|h|d)?", Pattern.CASE_INSENSITIVE);

    private ConfigParsers() {
    }

    /** {@code 512}, {@code 64k}, {@code 512m}, {@code 2g}, {@code 1t} (binary units); a bare number is bytes. */
    public static long bytes(String raw) {
        Matcher m = BYTES.matcher(raw.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "expected a byte size such as 512m or 2g (a number with an optional unit k, m, g or t)");
        }
        long number = number(m.group(1), "byte size");
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        if (shift > 0 && number > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("byte size " + raw + " is too large");
        }
        return number << shift;
    }

    /** {@code 250ms}, {@code 10s}, {@code 5m}/{@code 5min}, {@code 2h}, {@code 1d}; a bare number is milliseconds. */
    public static Duration duration(String raw) {
        Matcher m = DURATION.matcher(raw.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a duration such as 500ms, 10s, 5min or 2h");
        }
        long number = number(m.group(1), "duration");
        String unit = m.group(2) == null ? "ms" : m.group(2).toLowerCase(Locale.ROOT);
        TimeUnit timeUnit = switch (unit) {
            case "ms" -> TimeUnit.MILLISECONDS;
            case "s" -> TimeUnit.SECONDS;
            case "m", "min" -> TimeUnit.MINUTES;
            case "h" -> TimeUnit.HOURS;
            case "d" -> TimeUnit.DAYS;
            default -> throw new IllegalArgumentException("unknown duration unit " + unit);
        };
        long millis = timeUnit.toMillis(number);
        if (millis == Long.MAX_VALUE) {
            // TimeUnit saturates: the duration has no exact number of milliseconds in a long.
            throw new IllegalArgumentException("the duration is too large; write at most "
                    + TimeUnit.MILLISECONDS.toDays(Long.MAX_VALUE - 1) + "d");
        }
        return Duration.ofMillis(millis);
    }

    /** The digits of a byte size or a duration, refusing what does not fit in a long with a plain message. */
    private static long number(String digits, String what) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the " + what + " " + digits + " is too large");
        }
    }

    public static int integer(String raw) {
        try {
            return Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(raw.trim().matches("-?\\d+")
                    ? "expected an integer between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE
                    : "expected an integer");
        }
    }

    public static double decimal(String raw) {
        try {
            return Double.parseDouble(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a number such as 0.6");
        }
    }

    public static boolean bool(String raw) {
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("expected true or false");
        };
    }

    /** Formats a byte count the way users write it: {@code 512m}, {@code 2g}, {@code 1536k}, {@code 100}. */
    public static String formatBytes(long bytes) {
        String[] units = {"t", "g", "m", "k"};
        int[] shifts = {40, 30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes >= unit && bytes % unit == 0) {
                return (bytes / unit) + units[i];
            }
        }
        return Long.toString(bytes);
    }
}
