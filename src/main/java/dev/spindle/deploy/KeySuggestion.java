package dev.spindle.deploy;

import dev.spindle.config.ConfigEntry;
import dev.spindle.config.SpindleConfig;
import java.util.Locale;

/** Suggests the known key closest to a misspelled one ({@code spindle.executor.memroy}). */
final class KeySuggestion {
    private static final int MAX_DISTANCE = 3;

    private KeySuggestion() {
    }

    /** {@code " (did you mean spindle.x?)"}, or an empty string when no key is close. */
    static String didYouMean(String key) {
        String best = null;
        int bestDistance = MAX_DISTANCE + 1;
        for (ConfigEntry<?> entry : SpindleConfig.entries()) {
            int d = distance(key.toLowerCase(Locale.ROOT), entry.key().toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = entry.key();
            }
        }
        return best == null ? "" : " (did you mean " + best + "?)";
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
