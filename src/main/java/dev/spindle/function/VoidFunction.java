package dev.spindle.function;

import java.io.Serializable;

/** Consumes a value for its side effects. Serializable, so that a lambda can be shipped to executors. */
@FunctionalInterface
public interface VoidFunction<T> extends Serializable {
    void call(T t) throws Exception;
}
