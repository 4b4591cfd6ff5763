package dev.spindle.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Generates the configuration reference (Markdown) from {@link SpindleConfig}. Run by the build
 * ({@code mvn package} writes {@code docs/configuration.md}); a test checks the committed file is current.
 */
public final class ConfigReference {
    private ConfigReference() {
    }

    public static String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("# Spindle configuration reference\n\n")
                .append("Generated from `dev.spindle.config.SpindleConfig`; do not edit by hand ")
                .append("(regenerate with `mvn -q compile exec:java` or by running `ConfigReference`).\n\n")
                .append("Set keys in `conf/spindle-defaults.conf` (`key value` lines) or with ")
                .append("`spindle-submit --conf key=value`.\n\n")
                .append("| key | type | default | meaning |\n|---|---|---|---|\n");
        for (ConfigEntry<?> entry : SpindleConfig.entries()) {
            out.append("| `").append(entry.key()).append("` | ").append(entry.type()).append(" | ")
                    .append(entry.defaultValue() == null ? "(unset)" : "`" + entry.defaultValue() + "`")
                    .append(" | ").append(entry.doc().replace("|", "\\|")).append(" |\n");
        }
        return out.toString();
    }

    public static void main(String[] args) throws IOException {
        Path target = Path.of(args.length > 0 ? args[0] : "docs/configuration.md");
        if (target.getParent() != null) {
            Files.createDirectories(target.getParent());
        }
        Files.writeString(target, markdown(), StandardCharsets.UTF_8);
    }
}
