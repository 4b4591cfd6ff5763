package dev.spindle.plan;

/** Whether a task feeds a shuffle or produces a result for its action. */
public enum TaskKind {
    SHUFFLE_MAP,
    RESULT
}
