package dev.spindle.plan;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * The code of every task of one stage, serialized once per stage attempt: the lineage up to the stage's
 * boundary plus either the shuffle it feeds or the action's per-partition function.
 */
public sealed interface TaskBinary extends Serializable {
    Node<?> node();

    /**
     * Whether successive tasks of the stage may share one deserialized copy of this code: decided once per stage on
     * the driver, true only when the state the closures capture is immutable
     * ({@link dev.spindle.serde.CapturedState}). Otherwise every task gets its own copy, as in Spark.
     */
    boolean shareable();

    /** Map side of {@code dependency}: computes the parent node's partition and writes it for the shuffle. */
    record ShuffleMap(ShuffleDependency<?, ?, ?> dependency, boolean shareable) implements TaskBinary {
        public ShuffleMap {
            requireNonNull(dependency, "dependency is null");
        }

        @Override
        public Node<?> node() {
            return dependency.parent();
        }
    }

    /** Result side of an action: applies {@code function} to a partition of {@code node}. */
    record Result<T, U>(Node<T> node, ResultFunction<T, U> function, boolean shareable) implements TaskBinary {
        public Result {
            requireNonNull(node, "node is null");
            requireNonNull(function, "function is null");
        }
    }
}
