package dev.spindle.bench.data;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * What the generator wrote, at which scale: lets a later run reuse the data and lets the checks compare the
 * engines' outputs with the expected counts. Stored as {@code MANIFEST.properties}, written last, so a
 * generation that died half-way leaves no manifest and is redone.
 */
public record Manifest(double scale, int version, Words words, SortRecords sort, Graph graph, JoinTables join) {

    /** Zipf-distributed words: file size, words in total, distinct words that occur. */
    public record Words(long bytes, long tokens, long distinct) {
    }

    public record SortRecords(long bytes, long records) {
    }

    public record Graph(long bytes, long vertices, long edges) {
    }

    public record JoinTables(long bytes, long leftRows, long rightRows) {
    }

    public Manifest {
        requireNonNull(words, "words is null");
        requireNonNull(sort, "sort is null");
        requireNonNull(graph, "graph is null");
        requireNonNull(join, "join is null");
    }

    /** The manifest of no data, for runs of workloads that generate their own inputs. */
    public static Manifest none(double scale) {
        return new Manifest(scale, DataGenerator.VERSION, new Words(0, 0, 0), new SortRecords(0, 0),
                new Graph(0, 0, 0), new JoinTables(0, 0, 0));
    }

    void write(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("scale", Double.toString(scale));
        p.setProperty("version", Integer.toString(version));
        put(p, "words.bytes", words.bytes());
        put(p, "words.tokens", words.tokens());
        put(p, "words.distinct", words.distinct());
        put(p, "sort.bytes", sort.bytes());
        put(p, "sort.records", sort.records());
        put(p, "graph.bytes", graph.bytes());
        put(p, "graph.vertices", graph.vertices());
        put(p, "graph.edges", graph.edges());
        put(p, "join.bytes", join.bytes());
        put(p, "join.leftRows", join.leftRows());
        put(p, "join.rightRows", join.rightRows());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(out, "spindle-bench data manifest");
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The manifest in {@code file}, or empty when there is none or it is not readable as one. */
    static Optional<Manifest> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        try {
            return Optional.of(new Manifest(Double.parseDouble(required(p, "scale")),
                    Integer.parseInt(required(p, "version")),
                    new Words(get(p, "words.bytes"), get(p, "words.tokens"), get(p, "words.distinct")),
                    new SortRecords(get(p, "sort.bytes"), get(p, "sort.records")),
                    new Graph(get(p, "graph.bytes"), get(p, "graph.vertices"), get(p, "graph.edges")),
                    new JoinTables(get(p, "join.bytes"), get(p, "join.leftRows"), get(p, "join.rightRows"))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void put(Properties p, String key, long value) {
        p.setProperty(key, Long.toString(value));
    }

    private static long get(Properties p, String key) {
        return Long.parseLong(required(p, key));
    }

    private static String required(Properties p, String key) {
        String value = p.getProperty(key);
        if (value == null) {
            throw new NumberFormatException("the manifest has no " + key);
        }
        return value;
    }
}
