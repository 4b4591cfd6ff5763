package dev.spindle.common;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/** Formats a throwable with its causes and suppressed exceptions, as the JVM prints an uncaught one. */
public final class StackTraces {
    private StackTraces() {
    }

    public static String format(Throwable error) {
        StringBuilder out = new StringBuilder();
        append(out, error, "", "", Collections.newSetFromMap(new IdentityHashMap<>()));
        return out.toString();
    }

    private static void append(StringBuilder out, Throwable error, String caption, String indent, Set<Throwable> seen) {
        if (!seen.add(error)) {
            out.append(indent).append(caption).append("[circular reference: ").append(error).append("]\n");
            return;
        }
        out.append(indent).append(caption).append(error).append('\n');
        for (StackTraceElement frame : error.getStackTrace()) {
            out.append(indent).append("\tat ").append(frame).append('\n');
        }
        for (Throwable suppressed : error.getSuppressed()) {
            append(out, suppressed, "Suppressed: ", indent + "\t", seen);
        }
        if (error.getCause() != null) {
            append(out, error.getCause(), "Caused by: ", indent, seen);
        }
    }
}
