package dev.spindle.bench.data;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Writes the benchmark inputs, deterministically (fixed seeds, one thread), at full size times {@code scale}:
 * <ul>
 *   <li>{@code words.txt}: 512 MiB of lines of 8–16 words drawn from a Zipf(1.0) vocabulary of 100k words;</li>
 *   <li>{@code sort-records.txt}: 5M TeraSort-like records of 100 bytes: a 10-character key, 89 characters of
 *       payload, a newline;</li>
 *   <li>{@code graph-edges.txt}: 5M {@code src dst} edges over 500k vertices, both ends Zipf(0.8) over shuffled
 *       vertex ids, so in- and out-degrees follow a power law;</li>
 *   <li>{@code join-left.csv}: 2M {@code key,value} rows whose keys are uniform over the 200k keys of
 *       {@code join-right.csv} ({@code key,name} rows), so every left row has exactly one match.</li>
 * </ul>
 * Data already in the directory with a manifest of the same scale and generator version is reused.
 */
public final class DataGenerator {
    /** Bump when the generated data changes, so that cached data of an older generator is regenerated. */
    static final int VERSION = 1;

    static final long WORD_BYTES = 512L << 20;
    static final int VOCABULARY = 100_000;
    static final long SORT_RECORDS = 5_000_000;
    static final int VERTICES = 500_000;
    static final long EDGES = 5_000_000;
    static final long LEFT_ROWS = 2_000_000;
    static final int RIGHT_ROWS = 200_000;

    private static final int KEY_LENGTH = 10;
    private static final int PAYLOAD_LENGTH = 89;
    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyz";

    private final DataLayout layout;
    private final double scale;
    private final PrintStream progress;

    public DataGenerator(DataLayout layout, double scale, PrintStream progress) {
        this.layout = requireNonNull(layout, "layout is null");
        if (!(scale > 0 && scale <= 100)) {
            throw new IllegalArgumentException("scale=" + scale + " is outside (0, 100]");
        }
        this.scale = scale;
        this.progress = requireNonNull(progress, "progress is null");
    }

    /** The manifest of data of this scale in the layout's directory, generating the data first if needed. */
    public Manifest ensure() throws IOException {
        Optional<Manifest> cached = Manifest.read(layout.manifest());
        if (cached.isPresent() && cached.get().scale() == scale && cached.get().version() == VERSION
                && inputsExist()) {
            progress.printf("data: reusing scale %s data in %s%n", scale, layout.dir());
            return cached.get();
        }
        Files.createDirectories(layout.dir());
        Files.deleteIfExists(layout.manifest());
        progress.printf("data: generating scale %s data in %s%n", scale, layout.dir());
        Manifest manifest = new Manifest(scale, VERSION, words(), sortRecords(), graph(), joinTables());
        manifest.write(layout.manifest());
        return manifest;
    }

    private boolean inputsExist() {
        return Files.isRegularFile(layout.words()) && Files.isRegularFile(layout.sortRecords())
                && Files.isRegularFile(layout.edges()) && Files.isRegularFile(layout.joinLeft())
                && Files.isRegularFile(layout.joinRight());
    }

    private Manifest.Words words() throws IOException {
        return words(layout.words(), scale, progress);
    }

    /**
     * Writes {@code words.txt} of {@code scale} into {@code file}: the same bytes as the word count input of a full
     * run at that scale. Also used alone by bench/recovery.sh, which needs no other input.
     */
    static Manifest.Words words(Path file, double scale, PrintStream progress) throws IOException {
        SplittableRandom random = new SplittableRandom(0x5EED_0001L);
        String[] vocabulary = vocabulary((int) scaled(VOCABULARY, 1000, scale), random);
        Zipf zipf = new Zipf(vocabulary.length, 1.0);
        BitSet used = new BitSet(vocabulary.length);
        long targetBytes = scaled(WORD_BYTES, 4096, scale);
        long tokens = 0;
        try (LineWriter out = new LineWriter(file)) {
            StringBuilder line = new StringBuilder(256);
            while (out.bytes() < targetBytes) {
                line.setLength(0);
                int count = 8 + random.nextInt(9);
                for (int i = 0; i < count; i++) {
                    int rank = zipf.sample(random);
                    used.set(rank);
                    line.append(i == 0 ? "" : " ").append(vocabulary[rank]);
                }
                out.line(line);
                tokens += count;
            }
            out.commit();
            progress.printf("data: %s: %,d bytes, %,d words, %,d distinct%n", file.getFileName(),
                    out.bytes(), tokens, used.cardinality());
            return new Manifest.Words(out.bytes(), tokens, used.cardinality());
        }
    }

    /** {@code size} distinct lower-case words of 2 to 12 letters. */
    private static String[] vocabulary(int size, SplittableRandom random) {
        Set<String> words = new HashSet<>();
        String[] ordered = new String[size];
        StringBuilder word = new StringBuilder();
        while (words.size() < size) {
            word.setLength(0);
            int length = 2 + random.nextInt(11);
            for (int i = 0; i < length; i++) {
                word.append(LETTERS.charAt(random.nextInt(LETTERS.length())));
            }
            String candidate = word.toString();
            if (words.add(candidate)) {
                ordered[words.size() - 1] = candidate;
            }
        }
        return ordered;
    }

    private Manifest.SortRecords sortRecords() throws IOException {
        SplittableRandom random = new SplittableRandom(0x5EED_0002L);
        long records = scaled(SORT_RECORDS, 1000);
        try (LineWriter out = new LineWriter(layout.sortRecords())) {
            StringBuilder line = new StringBuilder(KEY_LENGTH + PAYLOAD_LENGTH);
            for (long row = 0; row < records; row++) {
                line.setLength(0);
                for (int i = 0; i < KEY_LENGTH; i++) {
                    line.append((char) ('!' + random.nextInt('~' - '!' + 1)));
                }
                appendPadded(line, row, 10);
                char filler = LETTERS.charAt((int) (row % LETTERS.length()));
                while (line.length() < KEY_LENGTH + PAYLOAD_LENGTH) {
                    line.append(filler);
                }
                out.line(line);
            }
            out.commit();
            progress.printf("data: %s: %,d records%n", layout.sortRecords().getFileName(), records);
            return new Manifest.SortRecords(out.bytes(), records);
        }
    }

    private Manifest.Graph graph() throws IOException {
        SplittableRandom random = new SplittableRandom(0x5EED_0003L);
        int vertices = (int) scaled(VERTICES, 100);
        long edges = scaled(EDGES, 1000);
        int[] sources = shuffledIds(vertices, random);
        int[] targets = shuffledIds(vertices, random);
        Zipf zipf = new Zipf(vertices, 0.8);
        try (LineWriter out = new LineWriter(layout.edges())) {
            StringBuilder line = new StringBuilder(16);
            for (long e = 0; e < edges; e++) {
                line.setLength(0);
                line.append(sources[zipf.sample(random)]).append(' ').append(targets[zipf.sample(random)]);
                out.line(line);
            }
            out.commit();
            progress.printf("data: %s: %,d vertices, %,d edges%n", layout.edges().getFileName(), vertices, edges);
            return new Manifest.Graph(out.bytes(), vertices, edges);
        }
    }

    private static int[] shuffledIds(int n, SplittableRandom random) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = ids[i];
            ids[i] = ids[j];
            ids[j] = swap;
        }
        return ids;
    }

    private Manifest.JoinTables joinTables() throws IOException {
        SplittableRandom random = new SplittableRandom(0x5EED_0004L);
        int rightRows = (int) scaled(RIGHT_ROWS, 10);
        long leftRows = scaled(LEFT_ROWS, 100);
        long bytes = 0;
        StringBuilder line = new StringBuilder(32);
        try (LineWriter right = new LineWriter(layout.joinRight())) {
            for (int key = 0; key < rightRows; key++) {
                line.setLength(0);
                appendKey(line, key).append(",name-");
                for (int i = 0; i < 8; i++) {
                    line.append(LETTERS.charAt(random.nextInt(LETTERS.length())));
                }
                right.line(line);
            }
            right.commit();
            bytes += right.bytes();
        }
        try (LineWriter left = new LineWriter(layout.joinLeft())) {
            for (long row = 0; row < leftRows; row++) {
                line.setLength(0);
                appendKey(line, random.nextInt(rightRows)).append(',').append(random.nextInt(1_000_000_000));
                left.line(line);
            }
            left.commit();
            bytes += left.bytes();
        }
        progress.printf("data: join tables: %,d left rows, %,d right rows%n", leftRows, rightRows);
        return new Manifest.JoinTables(bytes, leftRows, rightRows);
    }

    private static StringBuilder appendKey(StringBuilder line, int key) {
        return appendPadded(line.append('k'), key, 7);
    }

    private static StringBuilder appendPadded(StringBuilder line, long value, int width) {
        String digits = Long.toString(value);
        for (int i = digits.length(); i < width; i++) {
            line.append('0');
        }
        return line.append(digits);
    }

    private long scaled(long fullSize, long minimum) {
        return scaled(fullSize, minimum, scale);
    }

    private static long scaled(long fullSize, long minimum, double scale) {
        return Math.max(minimum, Math.round(fullSize * scale));
    }
}
