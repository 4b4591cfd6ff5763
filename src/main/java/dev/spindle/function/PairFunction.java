package dev.spindle.function;

import dev.spindle.common.Pair;
import java.io.Serializable;

/** Maps one value to a key-value pair. Serializable, so that a lambda can be shipped to executors. */
@FunctionalInterface
public interface PairFunction<T, K, V> extends Serializable {
    Pair<K, V> call(T t) throws Exception;
}
