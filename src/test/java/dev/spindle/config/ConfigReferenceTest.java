package dev.spindle.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigReferenceTest {
    static final String REGENERATE = "mvn -B -q compile && java -cp target/classes "
            + "dev.spindle.config.ConfigReference docs/configuration.md";

    @Test
    void committedReferenceIsCurrent() throws IOException {
        Path committed = Path.of(System.getProperty("basedir", "."), "docs", "configuration.md");
        assertThat(committed).as("docs/configuration.md is missing; generate it with: " + REGENERATE).exists();
        String text = Files.readString(committed, StandardCharsets.UTF_8);
        assertThat(text)
                .as("docs/configuration.md is stale; regenerate with: " + REGENERATE)
                .isEqualTo(ConfigReference.markdown());
    }

    @Test
    void referenceListsEveryKeyWithItsDefault() {
        String markdown = ConfigReference.markdown();
        for (ConfigEntry<?> entry : SpindleConfig.entries()) {
            String expectedDefault = entry.defaultValue() == null ? "(unset)" : "`" + entry.defaultValue() + "`";
            assertThat(markdown).contains("| `" + entry.key() + "` | " + entry.type() + " | " + expectedDefault + " |");
        }
    }

    @Test
    void mainWritesTheFile(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path target = dir.resolve("sub/configuration.md");
        ConfigReference.main(new String[] {target.toString()});
        assertThat(Files.readString(target, StandardCharsets.UTF_8)).isEqualTo(ConfigReference.markdown());
    }
}
