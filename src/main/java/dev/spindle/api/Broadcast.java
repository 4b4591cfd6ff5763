package dev.spindle.api;

import dev.spindle.common.ErrorCode;
import dev.spindle.common.SpindleException;
import dev.spindle.plan.ActiveTask;
import java.io.Serializable;

/**
 * A read-only value shipped to each executor once, instead of inside every task. Capture the
 * {@code Broadcast} in a lambda and call {@link #value()} inside it.
 */
public final class Broadcast<T> implements Serializable, dev.spindle.plan.BroadcastReference {
    private static final long serialVersionUID = 1L;

    private final long id;
    private final transient T driverValue;
    private transient volatile T executorValue;
    private transient volatile boolean destroyed;

    Broadcast(long id, T value) {
        this.id = id;
        this.driverValue = value;
    }

    @Override
    public long id() {
        return id;
    }

    @SuppressWarnings("unchecked")
    public T value() {
        if (driverValue != null) {
            if (destroyed) {
                throw new SpindleException(ErrorCode.INVALID_ARGUMENT, "broadcast " + id + " was destroyed");
            }
            return driverValue;
        }
        T cached = executorValue;
        if (cached == null) {
            cached = (T) ActiveTask.current()
                    .orElseThrow(() -> new SpindleException(ErrorCode.INVALID_ARGUMENT, "broadcast " + id
                            + " can only be read on the driver that created it or inside a task"))
                    .broadcastValue(id);
            executorValue = cached;
        }
        return cached;
    }

    void markDestroyed() {
        destroyed = true;
    }

    @Override
    public String toString() {
        return "Broadcast(" + id + ")";
    }
}
