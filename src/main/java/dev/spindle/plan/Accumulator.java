package dev.spindle.plan;

import java.io.ObjectStreamException;
import java.io.Serializable;

/**
 * A value that tasks add to and the driver reads. The driver holds the registered original; each task
 * gets a deserialized copy that starts from zero and registers itself with the running task, and whose
 * value returns with the task's result. The driver merges a partition's update once, from its first
 * successful attempt, so retried and speculative attempts never count twice.
 *
 * @param <IN> what tasks add
 * @param <OUT> what the driver reads
 */
public abstract class Accumulator<IN, OUT> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long id;
    private final String name;
    private transient boolean onDriver = true;

    protected Accumulator(long id, String name) {
        this.id = id;
        this.name = name == null ? "accumulator " + id : name;
    }

    public final long id() {
        return id;
    }

    public final String name() {
        return name;
    }

    public abstract void add(IN value);

    /** Adds {@code other}'s value (an executor copy of the same accumulator) into this one. */
    public abstract void merge(Accumulator<IN, OUT> other);

    /** Sets the value back to zero. */
    public abstract void reset();

    public abstract OUT value();

    /** True on the driver's registered copy; false on task copies. */
    protected final boolean isOnDriver() {
        return onDriver;
    }

    /**
     * A task copy starts from zero and registers with the task deserializing it. This runs after every field of the
     * concrete class is read (a {@code readObject} here would run before the subclass's value fields are, and the
     * driver's current value would survive into the copy).
     */
    protected final Object readResolve() throws ObjectStreamException {
        ActiveTask.current().ifPresent(task -> {
            reset();
            task.registerAccumulator(this);
        });
        return this;
    }
}
