package dev.spindle.examples;

import dev.spindle.api.Context;
import dev.spindle.common.Pair;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts words: splits lines on whitespace, drops empty tokens, writes {@code word<TAB>count} lines.
 *
 * <pre>spindle-submit --class dev.spindle.examples.WordCount spindle.jar IN OUT</pre>
 */
public final class WordCount {
    private WordCount() {
    }

    public static void main(String[] args) {
        Usage.check(args, 2, "WordCount IN OUT");
        try (Context ctx = Context.create()) {
            ctx.textFile(args[0])
                    .flatMap(line -> words(line).iterator())
                    .mapToPair(word -> Pair.of(word, 1))
                    .reduceByKey(Integer::sum)
                    .map(count -> count.key() + "\t" + count.value())
                    .saveAsTextFile(args[1]);
        }
    }

    /** The whitespace-separated, non-empty tokens of {@code line}. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < line.length(); i++) {
            if (Character.isWhitespace(line.charAt(i))) {
                if (start >= 0) {
                    words.add(line.substring(start, i));
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
        }
        if (start >= 0) {
            words.add(line.substring(start));
        }
        return words;
    }
}
