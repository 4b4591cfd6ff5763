package dev.spindle.plan;

import java.io.Serializable;
import java.util.Iterator;

/** What a result task does with its partition's elements: the per-partition half of an action. */
@FunctionalInterface
public interface ResultFunction<T, U> extends Serializable {
    U apply(TaskContext context, Iterator<T> elements) throws Exception;
}
