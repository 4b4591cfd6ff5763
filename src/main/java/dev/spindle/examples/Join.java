package dev.spindle.examples;

import dev.spindle.api.Context;
import dev.spindle.api.PairDataset;
import dev.spindle.common.Pair;

/**
 * Joins {@code key,value} lines with {@code key,name} lines; writes {@code key<TAB>value<TAB>name} per match.
 *
 * <pre>spindle-submit --class dev.spindle.examples.Join spindle.jar LEFT RIGHT OUT</pre>
 */
public final class Join {
    private Join() {
    }

    public static void main(String[] args) {
        Usage.check(args, 3, "Join LEFT RIGHT OUT");
        try (Context ctx = Context.create()) {
            PairDataset<String, String> left = ctx.textFile(args[0]).mapToPair(Join::keyed);
            PairDataset<String, String> right = ctx.textFile(args[1]).mapToPair(Join::keyed);
            left.join(right)
                    .map(match -> match.key() + "\t" + match.value().key() + "\t" + match.value().value())
                    .saveAsTextFile(args[2]);
        }
    }

    static Pair<String, String> keyed(String line) {
        int comma = line.indexOf(',');
        if (comma < 0) {
            throw new IllegalArgumentException("line '" + line + "' is not 'key,value'");
        }
        return Pair.of(line.substring(0, comma), line.substring(comma + 1));
    }
}
