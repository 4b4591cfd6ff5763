package dev.spindle.function;

import java.io.Serializable;

/** Maps one value to another. Serializable, so that a lambda can be shipped to executors. */
@FunctionalInterface
public interface Function<T, R> extends Serializable {
    R call(T t) throws Exception;
}
