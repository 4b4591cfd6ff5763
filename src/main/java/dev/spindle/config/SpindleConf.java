package dev.spindle.config;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.SpindleException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * An immutable set of configuration values as strings, read through typed {@link ConfigEntry}s.
 * {@link #validate()} parses every known key so that a bad value fails before any work starts.
 */
public final class SpindleConf implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LogManager.getLogger(SpindleConf.class);

    private final Map<String, String> values;

    private SpindleConf(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    public static SpindleConf empty() {
        return new SpindleConf(Map.of());
    }

    /**
     * The {@code spindle.*} JVM system properties, as a program started with plain {@code java -Dspindle.master=...}
     * sets them (Spark's {@code SparkConf} reads {@code spark.*} the same way). Only a context that no
     * {@code spindle-submit} or ApplicationMaster hosts reads them.
     */
    public static SpindleConf fromSystemProperties() {
        Map<String, String> values = new java.util.TreeMap<>();
        System.getProperties().forEach((key, value) -> {
            if (key.toString().startsWith("spindle.")) {
                values.put(key.toString(), value.toString());
            }
        });
        return of(values);
    }

    public static SpindleConf of(Map<String, String> values) {
        requireNonNull(values, "values is null");
        return new SpindleConf(values);
    }

    /**
     * Reads a {@code spindle-defaults.conf} file: one {@code key value} (or {@code key=value}) per line,
     * {@code #} starts a comment.
     */
    public static SpindleConf fromFile(Path file) {
        requireNonNull(file, "file is null");
        Map<String, String> values = new TreeMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.INVALID_ARGUMENT, "cannot read config file " + file + ": " + e, e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int split = indexOfSeparator(line);
            if (split <= 0) {
                throw SpindleException.invalidArgument(
                        "%s line %d: '%s' is not 'key value'; write for example 'spindle.executor.memory 2g'",
                        file, i + 1, line);
            }
            values.put(line.substring(0, split).strip(), line.substring(split + 1).strip());
        }
        return new SpindleConf(values);
    }

    /** Writes every setting as a {@code key=value} line that {@link #fromFile} reads back. */
    public void writeTo(Path file) {
        requireNonNull(file, "file is null");
        StringBuilder text = new StringBuilder("# Resolved Spindle configuration of one application\n");
        values.forEach((key, value) -> {
            if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
                throw SpindleException.invalidArgument("%s holds a line break; settings are single-line values", key);
            }
            text.append(key).append('=').append(value).append('\n');
        });
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SpindleException(ErrorCode.IO_FAILURE, "cannot write config file " + file + ": " + e, e);
        }
    }

    private static int indexOfSeparator(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '=' || Character.isWhitespace(c)) {
                return i;
            }
        }
        return -1;
    }

    /** A copy with {@code key} set to {@code value}. */
    public SpindleConf with(String key, String value) {
        requireNonNull(key, "key is null");
        requireNonNull(value, "value is null");
        Map<String, String> copy = new TreeMap<>(values);
        copy.put(key, value);
        return new SpindleConf(copy);
    }

    public <T> SpindleConf with(ConfigEntry<T> entry, String value) {
        return with(entry.key(), value);
    }

    /** A copy where {@code overrides} win. */
    public SpindleConf withAll(SpindleConf overrides) {
        Map<String, String> copy = new TreeMap<>(values);
        copy.putAll(overrides.values);
        return new SpindleConf(copy);
    }

    /** The entry's value, or its default; throws when neither exists. */
    public <T> T get(ConfigEntry<T> entry) {
        return getOptional(entry).orElseThrow(() -> new SpindleException(ErrorCode.INVALID_ARGUMENT,
                entry.key() + " is not set and has no default: " + entry.doc()));
    }

    public <T> Optional<T> getOptional(ConfigEntry<T> entry) {
        String raw = values.get(entry.key());
        if (raw == null) {
            raw = entry.defaultValue();
        }
        return raw == null ? Optional.empty() : Optional.of(entry.parse(raw));
    }

    public boolean contains(ConfigEntry<?> entry) {
        return values.containsKey(entry.key());
    }

    public Optional<String> getRaw(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public Map<String, String> asMap() {
        return values;
    }

    /**
     * Parses every known key (an invalid value throws, naming the key, the value and what was expected)
     * and returns the unknown {@code spindle.*} keys, which are logged as warnings.
     */
    public List<String> validate() {
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            Optional<ConfigEntry<?>> entry = SpindleConfig.entry(e.getKey());
            if (entry.isPresent()) {
                entry.get().parse(e.getValue());
            } else if (e.getKey().startsWith("spindle.") && SpindleConfig.isUnknown(e.getKey())) {
                unknown.add(e.getKey());
                LOG.warn("Ignoring unknown configuration key {} (value {}); see docs/configuration.md for the keys",
                        e.getKey(), Redaction.value(e.getKey(), e.getValue()));
            }
        }
        SpindleConfig.checkConsistency(this);
        return unknown;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpindleConf other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "SpindleConf" + Redaction.of(values);
    }
}
