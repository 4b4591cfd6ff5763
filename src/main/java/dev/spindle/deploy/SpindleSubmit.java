package dev.spindle.deploy;

/**
 * The {@code spindle-submit} command (started by {@code bin/spindle-submit}): runs a Spindle application jar.
 * See {@link SubmitArguments#USAGE}; the work is done by {@link Submitter}.
 */
public final class SpindleSubmit {
    private SpindleSubmit() {
    }

    public static void main(String[] args) {
        int code = new Submitter(System.out, System.err, System.getenv()).run(args);
        System.exit(code);
    }
}
