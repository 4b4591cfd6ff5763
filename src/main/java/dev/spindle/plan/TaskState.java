package dev.spindle.plan;

/** Life of a task attempt as the executor reports it. */
public enum TaskState {
    RUNNING,
    FINISHED,
    FAILED,
    KILLED,
    /** The executor running it went away. Reported by the driver side, never by an executor. */
    LOST;

    public boolean isFinal() {
        return this != RUNNING;
    }
}
