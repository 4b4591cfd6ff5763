package dev.spindle.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which settings hold secrets, and their values as they may appear in a log line, a warning, {@code --verbose} output,
 * the event log or the web UI: a key that mentions a secret, password, token, credential or key (Hadoop's
 * {@code fs.s3a.access.key}, {@code fs.azure.account.key...}, a keystore password) shows {@link #REDACTED} instead of
 * its value. Spark redacts the same way. {@code spindle.redaction.regex} replaces the pattern where the whole
 * configuration is at hand ({@link #of(Map)}).
 */
public final class Redaction {
    /** The default of {@code spindle.redaction.regex}: a key containing a match is secret. */
    public static final String DEFAULT_REGEX = "(?i)secret|password|passwd|token|credential|key";
    /** Keys whose values are never shown, unless the configuration names another pattern. */
    public static final Pattern SECRET_KEY = Pattern.compile(DEFAULT_REGEX);
    public static final String REDACTED = "*********(redacted)";
    static final String REGEX_KEY = "spindle.redaction.regex";

    private Redaction() {
    }

    public static boolean isSecret(String key) {
        return SECRET_KEY.matcher(key).find();
    }

    /** {@code value}, or {@link #REDACTED} when {@code key} looks secret. */
    public static String value(String key, String value) {
        return isSecret(key) ? REDACTED : value;
    }

    /**
     * A copy of {@code settings} (in its order) with the values of secret keys redacted: keys matching
     * {@code spindle.redaction.regex} when {@code settings} sets it to a valid pattern, else {@link #SECRET_KEY}.
     */
    public static Map<String, String> of(Map<String, String> settings) {
        String regex = settings.get(REGEX_KEY);
        Pattern pattern = regex != null && isValidRegex(regex) ? Pattern.compile(regex) : SECRET_KEY;
        Map<String, String> shown = new LinkedHashMap<>(settings);
        shown.replaceAll((key, value) -> pattern.matcher(key).find() ? REDACTED : value);
        return shown;
    }

    static boolean isValidRegex(String regex) {
        try {
            Pattern.compile(regex);
            return true;
        } catch (PatternSyntaxException e) {
            return false;
        }
    }
}
