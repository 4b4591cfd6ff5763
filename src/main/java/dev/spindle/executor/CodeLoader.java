package dev.spindle.executor;

/** Deserializes task code and partitions (Java serialization under the application's class loader). */
@FunctionalInterface
public interface CodeLoader {
    Object load(byte[] bytes, ClassLoader loader);
}
