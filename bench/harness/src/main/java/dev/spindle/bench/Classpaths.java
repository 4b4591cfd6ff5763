package dev.spindle.bench;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The classpath of each engine's forked JVMs, from the built bench modules: the engine module's classes, the
 * dependencies Maven resolved for that module alone ({@code target/classpath.txt}), and the harness classes
 * (for {@link dev.spindle.bench.run.Launcher} and the floor programs). Spindle and Spark never share one.
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
            entries.add(requireBuilt(target.resolve("classes")).toString());
            String resolved = Files.readString(requireBuilt(target.resolve("classpath.txt")), StandardCharsets.UTF_8);
            for (String entry : resolved.strip().split(Pattern.quote(File.pathSeparator))) {
                if (!entry.isBlank()) {
                    entries.add(entry);
                }
            }
        }
        entries.add(requireBuilt(benchDir.resolve("harness/target/classes")).toString());
        return entries;
    }

    private Path requireBuilt(Path path) {
        if (!Files.exists(path)) {
            throw new IllegalStateException(path + " does not exist; build the bench project first "
                    + "(bench/run.sh does, or 'mvn -B -q package' in " + benchDir + ")");
        }
        return path;
    }
}
