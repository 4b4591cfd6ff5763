package dev.spindle.function;

import java.io.Serializable;

/** Combines two values into one. Serializable, so that a lambda can be shipped to executors. */
@FunctionalInterface
public interface Function2<T1, T2, R> extends Serializable {
    R call(T1 a, T2 b) throws Exception;
}
