package dev.spindle.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Compiles Java sources with the system compiler and packs the classes into a jar, for end-to-end tests. */
final class TestJars {
    private TestJars() {
    }

    /** {@code sources} maps binary class names to their source text. */
    static Path build(Path workDir, String jarName, Map<String, String> sources) throws IOException {
        Path src = Files.createDirectories(workDir.resolve(jarName + "-src"));
        Path classes = Files.createDirectories(workDir.resolve(jarName + "-classes"));
        List<String> compilerArgs = new ArrayList<>(List.of("-d", classes.toString(), "--release", "17"));
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path file = src.resolve(e.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue(), StandardCharsets.UTF_8);
            compilerArgs.add(file.toString());
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertThat(compiler).as("tests need a JDK, not a JRE").isNotNull();
        StringWriter diagnostics = new StringWriter();
        int rc = compiler.run(null, null, null, compilerArgs.toArray(new String[0]));
        assertThat(rc).as("compiling test sources: " + diagnostics).isZero();

        Path jar = workDir.resolve(jarName);
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream jarOut = new JarOutputStream(out, manifest);
                Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                jarOut.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                jarOut.write(Files.readAllBytes(file));
                jarOut.closeEntry();
            }
        }
        return jar;
    }

    /** The shuffle service jar {@code mvn package} built (integration tests run after it). */
    static Path shuffleServiceJar() throws IOException {
        try (var jars = Files.newDirectoryStream(ClusterRuns.HOME.resolve("target"),
                "spindle-*-shuffle-service.jar")) {
            for (Path jar : jars) {
                return jar;
            }
        }
        throw new AssertionError("no target/spindle-*-shuffle-service.jar: run the integration tests through "
                + "mvn verify, which builds it first");
    }
}
