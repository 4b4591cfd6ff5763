package dev.spindle.bench.check;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** Output directories of the workloads: part files in order, and cleanup between runs. */
public final class OutputFiles {
    private OutputFiles() {
    }

    /**
     * The data files of an output directory in name order, which is partition order: {@code part-*} files, as
     * both engines and the floor write them; markers ({@code _SUCCESS}) and checksums ({@code .crc}) are skipped.
     */
    static List<Path> partFiles(Path dir) throws IOException {
        List<Path> parts = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(f -> f.getFileName().toString().startsWith("part-"))
                    .filter(f -> !f.getFileName().toString().endsWith(".crc"))
                    .sorted()
                    .forEach(parts::add);
        }
        return parts;
    }

    /** Calls {@code action} with every line of the output in {@code dir}, part file by part file. */
    static void forEachLine(Path dir, Consumer<String> action) throws IOException {
        for (Path part : partFiles(dir)) {
            forEachLineOfFile(part, action);
        }
    }

    static void forEachLineOfFile(Path file, Consumer<String> action) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                action.accept(line);
            }
        }
    }

    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(OutputFiles::delete);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static void delete(Path path) {
        try {
            Files.delete(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
