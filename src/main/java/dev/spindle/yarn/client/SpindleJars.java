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
 * Finds the jars that make up Spindle and its runtime dependencies, to ship to the containers: the self-contained
 * {@code yarn jar} jar this code runs from (whose containers take Hadoop from the cluster), else an installation's
 * {@code lib/*.jar}, or in a built source checkout {@code target/spindle-*.jar} plus {@code target/lib/*.jar}.
 */
final class SpindleJars {
    private SpindleJars() {
    }

    /** Manifest attribute of the shaded jar that {@code yarn jar} runs. */
    static final String SELF_CONTAINED_ATTRIBUTE = "Spindle-Yarn-Jar";

    static List<Path> locate(Path home) {
        java.util.Optional<Path> self = selfContainedJar();
        if (self.isPresent()) {
            return List.of(self.get());
        }
        if (home == null) {
            throw SpindleException.invalidArgument("cannot find Spindle's jars to ship to YARN: SPINDLE_HOME is not "
                    + "set; run through bin/spindle-submit, set SPINDLE_HOME, or set spindle.yarn.archive");
        }
        List<Path> lib = jarsIn(home.resolve("lib"));
        if (!lib.isEmpty()) {
            return ownFirst(lib);
        }
        List<Path> own = jarsIn(home.resolve("target")).stream()
                .filter(p -> p.getFileName().toString().startsWith("spindle-"))
                .filter(p -> !p.getFileName().toString().matches(".*-(sources|tests|javadoc|examples|yarn|shuffle-service)\\.jar"))
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

    /**
     * The self-contained {@code yarn jar} jar this code was loaded from, found by its manifest. RunJar unpacks the
     * jar and loads classes from the unpacked copy, so the jar is found among the class loader's manifests rather
     * than from this class's code source.
     */
    static java.util.Optional<Path> selfContainedJar() {
        try {
            var manifests = SpindleJars.class.getClassLoader().getResources("META-INF/MANIFEST.MF");
            while (manifests.hasMoreElements()) {
                java.net.URL url = manifests.nextElement();
                if (!"jar".equals(url.getProtocol())) {
                    continue;
                }
                java.net.JarURLConnection connection = (java.net.JarURLConnection) url.openConnection();
                connection.setUseCaches(false);
                java.util.jar.Manifest manifest = connection.getManifest();
                if (manifest != null && "true".equals(manifest.getMainAttributes().getValue(SELF_CONTAINED_ATTRIBUTE))) {
                    Path jar = Path.of(connection.getJarFileURL().toURI());
                    if (Files.isRegularFile(jar)) {
                        return java.util.Optional.of(jar);
                    }
                }
            }
            return java.util.Optional.empty();
        } catch (IOException | java.net.URISyntaxException | ClassCastException | IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    /**
     * {@code jars} with Spindle's own first, as in a source checkout: Spindle's jar carries the compact copies of
     * Hadoop's default configuration ({@link dev.spindle.io.HadoopDefaults}), which Hadoop reads only when they come
     * before its own jar on the class path.
     */
    static List<Path> ownFirst(List<Path> jars) {
        List<Path> ordered = new ArrayList<>();
        jars.stream().filter(SpindleJars::isOwn).forEach(ordered::add);
        jars.stream().filter(p -> !isOwn(p)).forEach(ordered::add);
        return ordered;
    }

    private static boolean isOwn(Path jar) {
        return jar.getFileName().toString().startsWith("spindle-");
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
