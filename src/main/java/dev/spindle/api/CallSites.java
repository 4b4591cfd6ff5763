package dev.spindle.api;

import java.security.CodeSource;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds the user's line that called into the API ({@code WordCount.java:42}), for node names and errors.
 *
 * <p>A frame is Spindle's own when its class is under {@code dev.spindle} and was loaded from the same place as
 * this class (so user code and tests in Spindle's packages still count as the caller); the bundled examples count
 * as user code.
 */
final class CallSites {
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    private static final CodeSource OWN_CODE = CallSites.class.getProtectionDomain().getCodeSource();

    private CallSites() {
    }

    static String current() {
        Optional<StackWalker.StackFrame> frame = WALKER.walk(frames -> frames
                .filter(f -> !isInternal(f))
                .findFirst());
        return frame.map(f -> (f.getFileName() == null ? f.getClassName() : f.getFileName()) + ":" + f.getLineNumber())
                .orElse("unknown");
    }

    private static boolean isInternal(StackWalker.StackFrame frame) {
        String name = frame.getClassName();
        if (name.startsWith("java.") || name.startsWith("jdk.") || name.startsWith("sun.")) {
            return true;
        }
        if (!name.startsWith("dev.spindle.") || name.startsWith("dev.spindle.examples.")) {
            return false;
        }
        CodeSource source = frame.getDeclaringClass().getProtectionDomain().getCodeSource();
        return Objects.equals(sourceLocation(source), sourceLocation(OWN_CODE));
    }

    private static String sourceLocation(CodeSource source) {
        return source == null || source.getLocation() == null ? null : source.getLocation().toString();
    }
}
