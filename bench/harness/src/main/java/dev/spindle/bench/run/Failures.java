package dev.spindle.bench.run;

/** Text for a failure: each exception of the cause chain with its message and first frames. */
final class Failures {
    private static final int FRAMES = 8;
    private static final int MAX_CAUSES = 10;

    private Failures() {
    }

    static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder();
        Throwable current = failure;
        for (int depth = 0; current != null && depth < MAX_CAUSES; depth++) {
            text.append(depth == 0 ? "" : "\ncaused by: ").append(current);
            StackTraceElement[] frames = current.getStackTrace();
            for (int i = 0; i < Math.min(FRAMES, frames.length); i++) {
                text.append("\n    at ").append(frames[i]);
            }
            current = current.getCause() == current ? null : current.getCause();
        }
        return text.toString();
    }
}
