package dev.spindle.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which settings hold secrets, and their values as they may appear in a log line, a warning, {@code --verbose} output
 * or the event log: a key that mentions a secret, password, token, credential or key (Hadoop's
 * {@code fs.s3a.access.key}, {@code fs.azure.account.key...}, a keystore password) shows
 * {@link #REDACTED} instead of its value. Spark redacts the same way.
 */
public final class Redaction {
    /** Keys whose values are never shown. */
    public static final Pattern SECRET_KEY = Pattern.compile("(?i).*(secret|password|passwd|token|credential|key).*");
    public static final String REDACTED = "*********(redacted)";

    private Redaction() {
    }

    public static boolean isSecret(String key) {
        return SECRET_KEY.matcher(key).matches();
    }

    /** {@code value}, or {@link #REDACTED} when {@code key} looks secret. */
    public static String value(String key, String value) {
        return isSecret(key) ? REDACTED : value;
    }

    /** A copy of {@code settings} (in its order) with the values of secret-looking keys redacted. */
    public static Map<String, String> of(Map<String, String> settings) {
        Map<String, String> shown = new LinkedHashMap<>(settings);
        shown.replaceAll(Redaction::value);
        return shown;
    }
}
