package dev.spindle.bench;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The classpath of each engine's forked JVMs, from the built bench modules: the engine module's jar, the
 * dependencies Maven resolved for that module alone ({@code target/classpath.txt}), and the harness jar (for
 * {@link dev.spindle.bench.run.Launcher} and the floor programs). Spindle and Spark never share one. Only jars:
 * the JVM refuses to write or map a class data sharing archive for a classpath with a class directory on it.
 */
final class Classpaths {
    private final Path benchDir;

    Classpaths(Path benchDir) {
        this.benchDir = requireNonNull(benchDir, "benchDir is null").toAbsolutePath().normalize();
    }

    String of(Engine engine) throws IOException {
        return String.join(File.pathSeparator, entries(engine));
    }

    /** The version in the file name of the first jar of {@code engine}'s classpath named {@code artifact-VERSION.jar}. */
    Optional<String> jarVersion(Engine engine, String artifact) throws IOException {
        Pattern jar = Pattern.compile(Pattern.quote(artifact) + "-(\\d[^/\\\\]*)\\.jar");
        for (String entry : entries(engine)) {
            Matcher m = jar.matcher(Path.of(entry).getFileName().toString());
            if (m.matches()) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }

    private List<String> entries(Engine engine) throws IOException {
        List<String> entries = new ArrayList<>();
        if (engine.module().isPresent()) {
            Path target = benchDir.resolve(engine.module().get()).resolve("target");
            entries.add(jar(target).toString());
            String resolved = Files.readString(requireBuilt(target.resolve("classpath.txt")), StandardCharsets.UTF_8);
            for (String entry : resolved.strip().split(Pattern.quote(File.pathSeparator))) {
                if (!entry.isBlank()) {
                    entries.add(entry);
                }
            }
        }
        entries.add(jar(benchDir.resolve("harness/target")).toString());
        return entries;
    }

    /** The module jar {@code mvn package} left in {@code target}, checked to hold the latest compiled classes. */
    private Path jar(Path target) throws IOException {
        Path classes = requireBuilt(target.resolve("classes"));
        List<Path> jars;
        try (Stream<Path> listing = Files.list(target)) {
            jars = listing.filter(p -> p.getFileName().toString()
                    .matches("spindle-bench-.*(?<!-sources|-tests|-javadoc)\\.jar")).toList();
        }
        if (jars.size() != 1) {
            throw new IllegalStateException("expected one module jar in " + target + ", found " + jars
                    + "; build the bench project first (bench/run.sh does, or 'mvn -B -q package' in "
                    + benchDir + ")");
        }
        Path jar = jars.get(0);
        FileTime built = Files.getLastModifiedTime(jar);
        try (Stream<Path> files = Files.walk(classes)) {
            Optional<Path> newer = files.filter(Files::isRegularFile)
                    .filter(p -> lastModified(p).compareTo(built) > 0).findAny();
            if (newer.isPresent()) {
                throw new IllegalStateException(newer.get() + " is newer than " + jar
                        + "; package the bench project again (bench/run.sh without --skip-build does)");
            }
        }
        return jar;
    }

    private static FileTime lastModified(Path path) {
        try {
            return Files.getLastModifiedTime(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path requireBuilt(Path path) {
        if (!Files.exists(path)) {
            throw new IllegalStateException(path + " does not exist; build the bench project first "
                    + "(bench/run.sh does, or 'mvn -B -q package' in " + benchDir + ")");
        }
        return path;
    }
}
