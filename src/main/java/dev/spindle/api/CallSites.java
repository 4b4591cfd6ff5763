package dev.spindle.api;

import java.util.Optional;

/** Finds the user's line that called into the API ({@code WordCount.java:42}), for node names and errors. */
final class CallSites {
    private static final StackWalker WALKER = StackWalker.getInstance();

    private CallSites() {
    }

    static String current() {
        Optional<StackWalker.StackFrame> frame = WALKER.walk(frames -> frames
                .filter(f -> !f.getClassName().startsWith("dev.spindle.api.")
                        && !f.getClassName().startsWith("dev.spindle.plan.")
                        && !f.getClassName().startsWith("java."))
                .findFirst());
        return frame.map(f -> (f.getFileName() == null ? f.getClassName() : f.getFileName()) + ":" + f.getLineNumber())
                .orElse("unknown");
    }
}
