package dev.spindle.bench.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes only the word count input, {@code words.txt} of a given scale, to a file: bench/recovery.sh needs no other
 * input, and at half scale the full set would take longer to generate than the words.
 *
 * <pre>GenerateWords SCALE FILE</pre>
 */
public final class GenerateWords {
    private GenerateWords() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: GenerateWords SCALE FILE");
            System.exit(2);
        }
        double scale = Double.parseDouble(args[0]);
        if (!(scale > 0 && scale <= 100)) {
            throw new IllegalArgumentException("scale=" + scale + " is outside (0, 100]");
        }
        DataGenerator.words(Path.of(args[1]), scale, System.err);
    }
}
