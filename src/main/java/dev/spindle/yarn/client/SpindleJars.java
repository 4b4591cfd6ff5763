package dev.spindle.yarn.client;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.SpindleException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the jars that make up Spindle and its runtime dependencies, to ship to the containers: an installation's
 * {@code lib/*.jar}, or in a built source checkout {@code target/spindle-*.jar} plus {@code target/lib/*.jar}.
 */
final class SpindleJars {
    private SpindleJars() {
    }

    static List<Path> locate(Path home) {
        if (home == null) {
            throw SpindleException.invalidArgument("cannot find Spindle's jars to ship to YARN: SPINDLE_HOME is not "
                    + "set; run through bin/spindle-submit, set SPINDLE_HOME, or set spindle.yarn.archive");
        }
        List<Path> lib = jarsIn(home.resolve("lib"));
        if (!lib.isEmpty()) {
            return lib;
        }
        List<Path> own = jarsIn(home.resolve("target")).stream()
                .filter(p -> p.getFileName().toString().startsWith("spindle-"))
                .filter(p -> !p.getFileName().toString().matches(".*-(sources|tests|javadoc|examples)\\.jar"))
                .toList();
        List<Path> deps = jarsIn(home.resolve("target").resolve("lib"));
        if (own.size() == 1 && !deps.isEmpty()) {
            List<Path> all = new ArrayList<>(own);
            all.addAll(deps);
            return all;
        }
        throw SpindleException.invalidArgument("cannot find Spindle's jars to ship to YARN under SPINDLE_HOME=%s: "
                + "expected lib/*.jar (an installation) or one target/spindle-*.jar with target/lib/*.jar (a source "
                + "checkout after 'mvn package')", home);
    }

    private static List<Path> jarsIn(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
