package dev.spindle.examples;

/** Argument checks shared by the examples: a wrong call fails with the usage line, not a stack trace. */
final class Usage {
    private Usage() {
    }

    static void check(String[] args, int expected, String usage) {
        if (args.length != expected) {
            throw new IllegalArgumentException("usage: " + usage + " (got " + args.length + " arguments)");
        }
    }
}
