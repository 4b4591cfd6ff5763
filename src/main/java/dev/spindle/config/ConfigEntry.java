package dev.spindle.config;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.SpindleException;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One typed configuration key: its name, its type (as a parser), its default, its documentation
 * and its validation. All entries are declared in {@link SpindleConfig}.
 *
 * @param key the {@code spindle.*} key
 * @param type a human word for the type, used in messages and the generated reference
 * @param parser turns the string form into a value, or throws {@link IllegalArgumentException}
 *     whose message says what was expected
 * @param defaultValue the string form of the default, or null when the key has none
 * @param doc one or two sentences for the configuration reference
 * @param validation a predicate and the message used when it fails (null: any parsed value)
 */
public record ConfigEntry<T>(
        String key,
        String type,
        Function<String, T> parser,
        String defaultValue,
        String doc,
        Predicate<T> validation,
        String validationMessage) {

    public ConfigEntry {
        requireNonNull(key, "key is null");
        requireNonNull(type, "type is null");
        requireNonNull(parser, "parser is null");
        requireNonNull(doc, "doc is null");
        SpindleException.checkArgument(key.startsWith("spindle."), "config key %s must start with spindle.", key);
        if (defaultValue != null) {
            // A default that does not parse is a bug in the declaration; fail at class init.
            parser.apply(defaultValue);
        }
    }

    /**
     * Parses and validates {@code raw}, throwing an error that names the key, the value (unless the key looks secret,
     * see {@link Redaction}) and the fix.
     */
    public T parse(String raw) {
        String shown = key + "=" + Redaction.value(key, raw);
        T value;
        try {
            value = parser.apply(raw.trim());
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw SpindleException.invalidArgument("%s is not a valid %s: %s", shown, type, e.getMessage());
        }
        boolean valid;
        try {
            valid = validation == null || validation.test(value);
        } catch (SpindleException | IllegalArgumentException | ArithmeticException e) {
            throw SpindleException.invalidArgument("%s: %s", shown, e.getMessage());
        }
        if (!valid) {
            throw SpindleException.invalidArgument("%s %s", shown, validationMessage);
        }
        return value;
    }

    public Optional<String> defaultString() {
        return Optional.ofNullable(defaultValue);
    }

    /** A copy that additionally checks {@code check}, failing with "{key}={value} {message}". */
    public ConfigEntry<T> checkValue(Predicate<T> check, String message) {
        return new ConfigEntry<>(key, type, parser, defaultValue, doc, check, message);
    }
}
