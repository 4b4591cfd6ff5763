package dev.spindle.api;

import dev.spindle.serde.ClosureSerializer;
import java.io.Serializable;

/**
 * Fresh copies of a user's zero value (for fold, aggregate, foldByKey, aggregateByKey), so that a mutable zero
 * such as a list is never shared between partitions or keys. Immutable zeros are used as they are.
 */
final class ZeroValues {
    private ZeroValues() {
    }

    /** Produces a zero value; serializable so it travels with the task. */
    interface Zero<U> extends Serializable {
        U get();
    }

    static Object copy(byte[] serialized) {
        return new ClosureSerializer().deserialize(serialized, Thread.currentThread().getContextClassLoader());
    }

    @SuppressWarnings("unchecked")
    static <U> Zero<U> of(U zero, Context context) {
        if (zero == null || zero instanceof String || zero instanceof Number || zero instanceof Boolean
                || zero instanceof Character) {
            return () -> zero;
        }
        byte[] bytes = context.driver().closures().serialize(zero, "zero value of type " + zero.getClass().getName());
        return () -> (U) copy(bytes);
    }
}
