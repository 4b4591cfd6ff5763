package dev.spindle.examples;

import dev.spindle.api.Context;
import dev.spindle.api.Dataset;

/**
 * Sorts lines by their first 10 characters (TeraSort-style keys); the output part files are in global order.
 *
 * <pre>spindle-submit --class dev.spindle.examples.Sort spindle.jar IN OUT</pre>
 */
public final class Sort {
    private static final int KEY_LENGTH = 10;

    private Sort() {
    }

    public static void main(String[] args) {
        Usage.check(args, 2, "Sort IN OUT");
        try (Context ctx = Context.create()) {
            Dataset<String> lines = ctx.textFile(args[0]);
            lines.keyBy(line -> line.length() <= KEY_LENGTH ? line : line.substring(0, KEY_LENGTH))
                    .sortByKey(true, lines.getNumPartitions())
                    .values()
                    .saveAsTextFile(args[1]);
        }
    }
}
