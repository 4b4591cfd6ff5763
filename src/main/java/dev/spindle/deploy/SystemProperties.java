package dev.spindle.deploy;

import static java.util.Objects.requireNonNull;

import dev.spindle.config.SpindleConf;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * How {@code spindle-submit} hands the resolved configuration to the engine in local mode: as {@code spindle.*}
 * JVM system properties, which the engine's context merges over the entry defaults.
 */
public final class SystemProperties {
    private SystemProperties() {
    }

    /** The {@code spindle.*} entries of {@code properties} as a configuration. */
    public static SpindleConf spindleConf(Properties properties) {
        requireNonNull(properties, "properties is null");
        Map<String, String> values = new TreeMap<>();
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith("spindle.")) {
                values.put(name, properties.getProperty(name));
            }
        }
        return SpindleConf.of(values);
    }

    /** Sets {@code values} as system properties; closing the scope restores the previous values. */
    static Scope set(Map<String, String> values) {
        requireNonNull(values, "values is null");
        Map<String, String> previous = new HashMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            previous.put(e.getKey(), System.getProperty(e.getKey()));
            System.setProperty(e.getKey(), e.getValue());
        }
        return new Scope(previous);
    }

    /** Restores the system properties that {@link #set} replaced. */
    static final class Scope implements AutoCloseable {
        private final Map<String, String> previous;

        private Scope(Map<String, String> previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            previous.forEach((key, value) -> {
                if (value == null) {
                    System.clearProperty(key);
                } else {
                    System.setProperty(key, value);
                }
            });
        }
    }
}
