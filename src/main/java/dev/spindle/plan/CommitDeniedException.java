package dev.spindle.plan;

import dev.spindle.common.TaskAttemptId;

/**
 * A task attempt was refused the commit of its output, because another attempt of its partition was allowed first
 * (or its stage attempt is over). Its output is discarded; the attempt ends as {@link TaskFailure.Reason#COMMIT_DENIED},
 * which does not count against {@code spindle.task.maxFailures}.
 */
public final class CommitDeniedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CommitDeniedException(TaskAttemptId attempt, String output) {
        super("the driver denied " + attempt + " the commit of its output to " + output
                + " (another attempt of the partition was allowed first, or the stage attempt is over); this attempt's "
                + "files are discarded");
    }
}
