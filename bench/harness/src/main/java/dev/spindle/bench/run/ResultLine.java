package dev.spindle.bench.run;

import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The lines by which a forked benchmark JVM reports to the harness on stdout: {@code bench-result NAME=VALUE}.
 * The jobs modules print {@code bench-result seconds=S} and {@code bench-result first-result=...} themselves
 * (they do not depend on the harness), so these names are a protocol: change them on both sides.
 */
public enum ResultLine {
    /** Printed by {@link Launcher}: seconds the program's main method took. */
    MAIN_SECONDS("main-seconds"),
    /** Printed by a micro-benchmark: the seconds it measured itself (a stage, or the median job). */
    SECONDS("seconds"),
    /** Printed by the start-up benchmark as soon as its first job returns. */
    FIRST_RESULT("first-result");

    static final String PREFIX = "bench-result ";

    private final String name;

    ResultLine(String name) {
        this.name = name;
    }

    String format(double value) {
        return PREFIX + name + "=" + String.format(Locale.ROOT, "%.6f", value);
    }

    boolean matches(String line) {
        return line.startsWith(PREFIX + name + "=");
    }

    /** The number this line carries, if {@code line} is this kind of result line with a numeric value. */
    OptionalDouble value(String line) {
        if (!matches(line)) {
            return OptionalDouble.empty();
        }
        try {
            return OptionalDouble.of(Double.parseDouble(line.substring(PREFIX.length() + name.length() + 1).trim()));
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }
}
