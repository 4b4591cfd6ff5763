package dev.spindle.yarn.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpindleJarsTest {
    /**
     * An installation's lib/ sorts hadoop-client-api before spindle; Spindle's jar goes first so that its compact
     * copies of Hadoop's default configuration are what the containers' Hadoop reads.
     */
    @Test
    void anInstallationShipsSpindlesJarBeforeItsDependencies(@TempDir Path home) throws IOException {
        Path lib = Files.createDirectories(home.resolve("lib"));
        for (String name : new String[] {"avro-1.12.1.jar", "hadoop-client-api-3.5.0.jar", "spindle-0.1.0.jar",
                "snappy-java-1.1.10.4.jar"}) {
            Files.createFile(lib.resolve(name));
        }
        Files.createFile(lib.resolve("README.txt"));

        assertThat(SpindleJars.locate(home)).extracting(p -> p.getFileName().toString()).containsExactly(
                "spindle-0.1.0.jar", "avro-1.12.1.jar", "hadoop-client-api-3.5.0.jar", "snappy-java-1.1.10.4.jar");
    }
}
