package dev.spindle.function;

import java.io.Serializable;
import java.util.Iterator;

/** Maps one value to zero or more values. Serializable, so that a lambda can be shipped to executors. */
@FunctionalInterface
public interface FlatMapFunction<T, R> extends Serializable {
    Iterator<R> call(T t) throws Exception;
}
