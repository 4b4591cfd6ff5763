package dev.spindle.scheduler.dag;

/** Serializes a stage's code and partitions; fails with a message naming what could not be serialized. */
@FunctionalInterface
public interface StageSerializer {
    byte[] serialize(Object value, String what);
}
